/**
 * drills/rolling-upgrade.yaml end to end, on local processes with a real redis-server: bot replicas on Redis
 * storage replaced one by one from 1.4.0 to release B. On the good B (1.6.0-rolling) the drill passes and the
 * overlap shows the duplicates two replicas on one bridge produce; on the breaking B (1.6.0-rolling-slow, handlers
 * 800 ms slower) the runbook's threshold "latency doubles" trips against the baseline phase, the method stops and
 * the rollbacks take the bot back to 1.4.0 on one replica.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ScenarioError } from '../../src/common/errors.ts';
import { loadScenarioFile } from '../../src/scenario/scenario-loader.ts';
import { runScenarioFile } from '../helpers/drill-cli.ts';

const DRILL = path.resolve(import.meta.dirname, '../../drills/rolling-upgrade.yaml');

/** A copy of the shipped drill whose upgrades go to `releaseB`. */
function drillWithReleaseB(releaseB: string): string {
  const drill = parse(readFileSync(DRILL, 'utf8')) as { method: { action: string; release?: string }[] };
  for (const action of drill.method) if (action.action === 'upgrade') action.release = releaseB;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-rolling-')), 'rolling-upgrade.yaml');
  writeFileSync(file, stringify(drill));
  return file;
}

describe('drill rolling-upgrade', () => {
  it('refuses baseline conditions outside the grammar and actions on replicas no scale starts, each with its line', async () => {
    const drill = parse(readFileSync(DRILL, 'utf8')) as { steadyState: { condition?: string }[]; method: { service?: string }[] };
    drill.steadyState[3]!.condition = 'p(95) < twice baseline';
    drill.steadyState[4]!.condition = 'p(95) <= baseline';
    drill.method[2]!.service = 'bot-3';
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-rolling-')), 'bad.yaml');
    writeFileSync(file, stringify(drill));
    const error = (await loadScenarioFile(file).catch((e: unknown) => e)) as ScenarioError;
    expect(error).toBeInstanceOf(ScenarioError);
    const at = (p: string) => error.issues.find((i) => i.path === p);
    expect(at('steadyState.3.condition')?.message).toMatch(/expected "\[aggregation\] <op> \[k x\] baseline .* got "p\(95\) < twice baseline"/);
    expect(at('steadyState.4.condition')?.message).toBe('dlq_growth is a counter (records); use count, rate');
    expect(at('method.2.service')?.message).toMatch(/unknown service "bot-3"/);
    for (const issue of error.issues) expect(issue.location?.line).toBeGreaterThan(0);
  });

  it.concurrent('passes on release B 1.6.0-rolling; replicas overlapping on one bridge both answer every message', { timeout: 90_000 }, async () => {
    const { code, report, output } = await runScenarioFile(DRILL);
    expect(code, output).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(report.steps.map((s) => [s.name, s.pass])).toEqual([
      ['scale-out', true],
      ['upgrade-bot', true],
      ['upgrade-bot-2', true],
      ['scale-in', true],
    ]);
    expect(report.steps.filter((s) => s.action === 'upgrade').map((s) => s.release)).toEqual(['1.6.0-rolling', '1.6.0-rolling']);
    expect(report.steadyState!.during).toEqual([]);
    expect(report.rollbacks).toEqual([]); // strategy deviated: nothing to undo
    // Fan-out plus a per-process dedupe window: while two replicas run, messages are answered twice. (A duplicate
    // counts in the phase it is seen in, so one seen just after the scale-in may belong to the overlap.)
    const duplicates = (phase: string) => report.phases.find((p) => p.name === phase)?.slis.duplicate_replies;
    const overlap = ['after-scale-out', 'after-upgrade-bot', 'after-upgrade-bot-2'].map((name) => duplicates(name)?.count ?? 0);
    expect(overlap.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const single = duplicates('after-scale-in');
    if (single?.total && single.total >= 5) expect(single.rate).toBeLessThan(0.5);
    expect(report.slis.dlq_growth!.count).toBe(0);
  });

  it.concurrent('rolls back and fails naming "latency doubles" on release B 1.6.0-rolling-slow', { timeout: 90_000 }, async () => {
    const { code, report, output } = await runScenarioFile(drillWithReleaseB('1.6.0-rolling-slow'));
    expect(code, output).toBe(1);
    expect(report.verdict).toBe('aborted');
    const [reason] = report.reasons;
    expect(reason).toMatchObject({ code: 'aborted', message: expect.stringContaining('latency-doubles') });
    expect(reason!.observed).toMatch(/reply_latency p\(95\) = [\d.]+, baseline [\d.]+, limit < [\d.]+/);
    expect(report.steadyState!.during.map((p) => p.name)).toEqual(['latency-doubles']);
    expect(report.reasons.some((r) => r.message.includes('dlq-growth'))).toBe(false);
    // The rollbacks ran: one replica, back on release A.
    expect(report.rollbacks.map((r) => [r.action, r.pass])).toEqual([
      ['scale', true],
      ['rollback', true],
    ]);
    expect(report.rollbacks[1]!.release).toBe('1.4.0');
    const restarts = report.timeline.filter((e) => e.source === 'service' && e.type === 'restarted' && e.target === 'bot').map((e) => e.detail);
    expect(restarts.at(-1)).toBe('release 1.4.0');
  });
});
