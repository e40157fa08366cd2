/**
 * The release gate as CI runs it (`.ci/gate`: `drill gate .ci/gate.yaml` on a copy of the committed baseline in
 * test/gate/history), and the release guard reading its judgement. Real bridge and bot processes, 8 s of load.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startDrill } from '../helpers/drill-cli.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function gate(env: Record<string, string>): Promise<{ code: number | null; output: string; out: string }> {
  const out = mkdtempSync(path.join(os.tmpdir(), 'drill-gate-'));
  const child = spawn('bash', [path.join(root, '.ci/gate')], {
    cwd: root,
    env: { ...process.env, DRILL_FROM_SOURCES: '1', DRILL_STATE_DIR: path.join(out, 'state'), GATE_OUT: out, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output, out })));
}

async function drill(args: string[]): Promise<{ code: number | null; output: string }> {
  const run = startDrill(args, {});
  const { code } = await run.exit;
  return { code, output: run.output() };
}

const testcase = (junit: string, classname: string, name: string) =>
  new RegExp(`<testcase classname="${classname.replace('.', '\\.')}" name="${name.replace(/[()+.]/g, '\\$&')}"[^>]*?(/>|>[\\s\\S]*?</testcase>)`).exec(junit)?.[0];

describe('drill gate in CI', () => {
  it('passes the known-good release against the committed baseline; the guard then lets it deploy until the baseline changes', async () => {
    const workdir = mkdtempSync(path.join(os.tmpdir(), 'drill-gate-history-'));
    const { code, output, out } = await gate({ GATE_WORKDIR: workdir });
    expect(code, output).toBe(0);
    const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="drill gate: signal-gate" tests="\d+" failures="0" errors="0"/);
    expect(testcase(junit, 'signal-gate', 'verdict pass (score 100)') ?? testcase(junit, 'signal-gate', 'verdict pass')).toBeDefined();
    expect(testcase(junit, 'signal-gate.run', 'reply_latency')).toMatch(/pass \(critical\): median [\d.]+ → [\d.]+ ms/);
    expect(testcase(junit, 'signal-gate.rollback', 'reply_latency p(95) > 2x baseline')).toMatch(/baseline [\d.]+, limit [\d.]+, candidate [\d.]+/);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/^# drill gate: PASS/);
    expect(readFileSync(path.join(out, 'signal-gate.compare.html'), 'utf8')).toContain('data-verdict="pass"');

    const guard = ['guard', '--check', 'scenarios/signal-gate.yaml', '--candidate', '1.4.0', '--history', workdir];
    expect(await drill(guard)).toMatchObject({ code: 0, output: expect.stringMatching(/OK: 1\.4\.0 passed its gate against baseline 1\.4\.0/) });
    const [firstRun] = readFileSync(path.join(workdir, 'signal-gate/baseline.json'), 'utf8').match(/signal-gate-[\w-]+/) ?? [];
    expect((await drill(['baseline', 'mark', firstRun!, '--history', workdir])).code).toBe(0);
    expect(await drill(guard)).toMatchObject({ code: 1, output: expect.stringMatching(/BLOCKED: .*not the current baseline/) });
  });

  it('fails a release with 40 ms slower handlers, naming reply_latency in JUnit', async () => {
    const { code, output, out } = await gate({ GATE_CANDIDATE: '1.4.1' });
    expect(code, output).toBe(1);
    const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
    expect(testcase(junit, 'signal-gate.run', 'reply_latency')).toMatch(/<failure message="high \(critical\): median [\d.]+ → [\d.]+ ms \(Mann-Whitney p=[\d.e-]+, A=0\.\d+, beyond the floors\)/);
    expect(readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/1\.4\.1 against baseline 1\.4\.0: \*\*FAIL\*\*/);
    const page = readFileSync(path.join(out, 'signal-gate.compare.html'), 'utf8');
    expect(page).toContain('data-verdict="fail"');
    expect(page).toMatch(/<td>reply_latency<\/td>.*?data-classification="high"/);
  });

  it('cannot judge without a marked baseline: exit 3, an error in JUnit, no load run', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'drill-gate-empty-'));
    const { code, output, out } = await gate({ GATE_HISTORY: empty });
    expect(code, output).toBe(3);
    expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).toMatch(/<error message="no baseline is marked for signal-gate/);
    expect(existsSync(path.join(out, 'runs'))).toBe(false);
  });

  it('the guard blocks a scenario without rollback thresholds', async () => {
    const result = await drill(['guard', '--check', 'scenarios/signal-baseline.yaml', '--candidate', '1.4.0', '--history', mkdtempSync(path.join(os.tmpdir(), 'drill-guard-'))]);
    expect(result).toMatchObject({ code: 1, output: expect.stringMatching(/BLOCKED: signal-baseline declares no rollback thresholds/) });
  });
});
