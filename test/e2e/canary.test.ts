/**
 * `drill canary` on both stacks: the baseline and the candidate release side by side on this machine, each with
 * its share of the load, judged as `drill compare` judges; a breached critical threshold stops the candidate
 * early; no rollback thresholds, no canary. Real processes, 5–6 s of load.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/report-schema.ts';
import { startDrill } from '../helpers/drill-cli.ts';

interface CanaryJson {
  verdict: string;
  reasons: string[];
  stoppedEarly: string[];
  runs: { baseline: string; candidate: string };
}

async function canary(scenario: string, args: string[]): Promise<{ code: number | null; output: string; dir: string; result?: CanaryJson }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-canary-'));
  const json = path.join(dir, 'canary.json');
  const run = startDrill(['canary', scenario, '--report-dir', path.join(dir, 'reports'), '--json', json, ...args], { DRILL_STATE_DIR: path.join(dir, 'state') });
  const { code } = await run.exit;
  const result = existsSync(json) ? (JSON.parse(readFileSync(json, 'utf8')) as CanaryJson) : undefined;
  return { code, output: run.output(), dir, ...(result ? { result } : {}) };
}

const readReport = (runDir: string) => reportSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')));

describe('drill canary', () => {
  it('Signal: stops a 30 % cohort on 1.5.0 early when its median breaches, fails it, and the guard blocks it', async () => {
    const { code, output, dir, result } = await canary('test/scenarios/canary/signal-canary.yaml', ['--baseline', '1.4.0', '--candidate', '1.5.0', '--share', '0.3']);
    expect(code, output).toBe(1);
    expect(result?.verdict).toBe('fail');
    expect(result?.stoppedEarly).toEqual([expect.stringMatching(/^reply_latency p\(50\)<100 \(observed [\d.]+\)$/)]);
    expect(result?.reasons[0]).toMatch(/candidate stopped early after [\d.]+ s: reply_latency/);
    const baseline = readReport(result!.runs.baseline);
    const candidate = readReport(result!.runs.candidate);
    // Side by side: both loads ran at once, each with its share of 40/s.
    expect(candidate.startedAtMs).toBeLessThan(baseline.endedAtMs);
    expect(baseline.load.targetRate).toBeCloseTo(28, 6);
    expect(candidate.load.targetRate).toBeCloseTo(12, 6);
    expect(candidate.verdict).toBe('aborted');
    expect(candidate.load.durationMs).toBeLessThan(baseline.load.durationMs);
    expect(candidate.services.find((s) => s.name === 'bot')?.release).toBe('1.5.0');

    const guard = startDrill(['guard', '--check', 'test/scenarios/canary/signal-canary.yaml', '--candidate', '1.5.0', '--history', path.join(dir, 'reports/history')], {});
    expect((await guard.exit).code).toBe(1);
    expect(guard.output()).toMatch(/BLOCKED: no baseline is marked for signal-canary/);
  });

  it('Wavry: fails hosts that render 15 ms slower (0.0.8) on input_to_present, with the drift of the host profile listed', async () => {
    const { code, output, result } = await canary('test/scenarios/canary/wavry-canary.yaml', ['--baseline', '0.0.5', '--candidate', '0.0.8']);
    expect(code, output).toBe(1);
    expect(result?.reasons.join('\n')).toMatch(/critical input_to_present High/);
    expect(output).toMatch(/\| host-a \| profile\.frameDelayMs \| 0 \| 15 \|/);
  });

  it('refuses a scenario that declares no rollback thresholds, before starting anything', async () => {
    const { code, output, dir } = await canary('scenarios/wavry-baseline.yaml', ['--baseline', '0.0.5', '--candidate', '0.1.0']);
    expect(code).toBe(2);
    expect(output).toMatch(/declares no rollback thresholds; drill canary refuses to start without them/);
    expect(existsSync(path.join(dir, 'reports'))).toBe(false);
  });
});
