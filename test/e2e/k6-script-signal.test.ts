/**
 * The exported Signal k6 script against the real bridge and bot fixtures, run on a VU stand-in (no k6 binary
 * here: test/helpers/k6-shim). Its iterations inject through the bridge's control API and see the bot's replies
 * on the oracle websocket; the samples its metrics record, written as k6 JSON output, import as a drill report.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { drillSync } from '../helpers/drill-cli.ts';
import { startFixture } from '../helpers/fixture-process.ts';
import { writeJsonOutput, writeSummary } from '../helpers/k6-samples.ts';
import { runIterations, type ShimIteration } from '../helpers/k6-shim/k6-shim.ts';
import { reportSchema } from '../../src/report/report-schema.ts';

const ACCOUNT = '+15550000001';
const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-k6-signal-'));

async function startStack(): Promise<string> {
  const bridge = await startFixture('bridge', { DRILL_RELEASE: '0.100', MODE: 'json-rpc', PORT: '0', DRILL_CONTROL_PORT: '0' });
  onTestFinished(() => bridge.stop());
  const { port, controlPort } = JSON.parse(await bridge.waitForLine(/"event":"listening"/)) as { port: number; controlPort: number };
  const api = `http://127.0.0.1:${port}`;
  const bot = await startFixture('bot', {
    SIGNAL_PHONE_NUMBER: ACCOUNT,
    SIGNAL_SERVICE_URL: api,
    SIGNAL_API_URL: api,
    DRILL_RELEASE: '1.4.0',
    HEALTH_PORT: '0',
    METRICS_PORT: '0',
  });
  onTestFinished(() => bot.stop());
  await bot.waitForLine(/"event":"listening"/);
  const controlUrl = `http://127.0.0.1:${controlPort}`;
  // The bot's receive websocket joins the bridge shortly after it listens.
  for (let i = 0; i < 100; i++) {
    const stats = (await (await fetch(`${controlUrl}/_drill/stats?account=${encodeURIComponent(ACCOUNT)}`)).json()) as {
      subscribers: number;
    };
    if (stats.subscribers > 0) return controlUrl;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the bot never subscribed at the bridge');
}

/** `count` iterations of one k6 scenario of the script, 50 ms apart (rollback's 20/s), from now. */
function iterations(scenario: string, phase: string, count: number, startMs: number): ShimIteration[] {
  return Array.from({ length: count }, (_, n) => ({ scenario, scenarioStartMs: startMs, n, startAtMs: startMs + n * 50, tags: { phase } }));
}

describe('the exported Signal k6 script', () => {
  const exported = drillSync(['export', 'k6', 'drills/rollback.yaml', '--out', dir]);
  const scriptFile = path.join(dir, 'rollback.k6.ts');

  it('gets every reply from the real bot through the bridge, and its samples import as a drill report', { timeout: 120_000 }, async () => {
    expect(exported.code).toBe(0);
    const controlUrl = await startStack();
    const now = Date.now() + 200;
    const plan = [
      ...iterations('load_baseline', 'baseline', 20, now),
      ...iterations('load_after_rollback', 'after-rollback', 20, now + 1_000),
    ];
    const samples = await runIterations(scriptFile, readFileSync(scriptFile, 'utf8'), { BRIDGE_CONTROL_URL: controlUrl }, 'arrival', plan);
    const of = (metric: string, phase?: string) => samples.filter((s) => s.metric === metric && (!phase || s.tags['phase'] === phase));
    const expecting = of('replies_missing').length; // rollback's mix: 90 % !ping (a reply), 10 % chat (none)
    expect(expecting).toBeGreaterThan(25);
    expect(of('replies_missing').filter((s) => s.value === 1)).toEqual([]);
    expect(of('reply_latency')).toHaveLength(expecting);
    expect(of('inject_errors').every((s) => s.value === 0)).toBe(true);
    for (const s of of('reply_latency')) expect(s.value).toBeGreaterThan(0);

    writeJsonOutput(path.join(dir, 'results.json'), samples);
    writeSummary(path.join(dir, 'summary.json'), {
      'replies_missing{phase:after-rollback}': { value: 0, passes: 0, fails: 18, thresholds: { 'rate<0.01': false } },
    });
    const out = path.join(dir, 'reports');
    const imported = drillSync([
      'import',
      'k6',
      path.join(dir, 'summary.json'),
      path.join(dir, 'results.json'),
      '--scenario',
      'drills/rollback.yaml',
      '--out',
      out,
    ]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    const runId = /reports\/([^/]+)\/report\.json/.exec(imported.stdout)![1]!;
    const report = reportSchema.parse(JSON.parse(readFileSync(path.join(out, runId, 'report.json'), 'utf8')));
    expect(report.slis['reply_latency']!.count).toBe(expecting);
    expect(report.phases.map((p) => [p.name, p.slis['replies_missing']!.total])).toEqual([
      ['baseline', of('replies_missing', 'baseline').length],
      ['after-rollback', of('replies_missing', 'after-rollback').length],
    ]);
    expect(report.thresholds).toEqual([
      { sli: 'replies_missing', expression: 'rate<0.01', phase: 'after-rollback', observed: 0, pass: true, abortOnFail: false },
    ]);
  });

  it('counts a message no bot answers as missing once the reply timeout passes', { timeout: 60_000 }, async () => {
    const controlUrl = await startStack();
    // Delivered to an account no bot serves: the bridge takes it, nobody replies.
    const source = readFileSync(scriptFile, 'utf8')
      .replace(`const ACCOUNT = "${ACCOUNT}";`, 'const ACCOUNT = "+15559999999";')
      .replace('const REPLY_TIMEOUT_MS = 10000;', 'const REPLY_TIMEOUT_MS = 1500;');
    expect(source).toContain('+15559999999');
    const samples = await runIterations(
      scriptFile,
      source,
      { BRIDGE_CONTROL_URL: controlUrl },
      'arrival',
      iterations('load_baseline', 'baseline', 3, Date.now() + 100),
    );
    const missing = samples.filter((s) => s.metric === 'replies_missing');
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.every((s) => s.value === 1)).toBe(true);
    expect(samples.filter((s) => s.metric === 'reply_latency')).toEqual([]);
    expect(samples.filter((s) => s.metric === 'replies_missing_count')).toHaveLength(missing.length);
  });
});
