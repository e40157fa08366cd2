/**
 * `drill run` on the Signal stack end to end: real bridge and bot processes, the open-model workload, and a
 * report whose SLIs, thresholds, stored histograms and timeline are consistent with what happened.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/load/latency-histogram.ts';
import { reportSchema, type Report } from '../../src/report/report-schema.ts';
import { startDrill } from '../helpers/drill-cli.ts';

function scenario(dir: string, body: string): string {
  const file = path.join(dir, 'scenario.yaml');
  writeFileSync(
    file,
    `name: signal-e2e
release: 1.4.0
seed: 3
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot, env: { WORKER_POOL_SIZE: 16 } }
links:
  - { from: bot, to: bridge }
${body}`,
  );
  return file;
}

async function run(body: string): Promise<{ code: number | null; report: Report; runDir: string; output: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-signal-'));
  const drill = startDrill(['run', scenario(dir, body), '--report-dir', path.join(dir, 'reports')], { DRILL_STATE_DIR: path.join(dir, 'state') });
  const { code } = await drill.exit;
  const [runId] = readdirSync(path.join(dir, 'reports'));
  const runDir = path.join(dir, 'reports', runId!);
  const report = reportSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')));
  return { code, report, runDir, output: drill.output() };
}

describe('signal run', () => {
  it('measures replies, catches no duplicates for re-emitted messages, and writes both reports', async () => {
    const { code, report, runDir, output } = await run(`
load: { executor: constant-arrival-rate, rate: 25, duration: 4s, gracefulStop: 5s }
workload:
  type: signal
  bridge: bridge
  bots: [bot]
  users: 20
  messages: [{ text: "!ping", weight: 9 }, { text: "just chatting", weight: 1, expectReply: false }]
  duplicateShare: 0.1
thresholds:
  reply_latency: ["p(95)<1000"]
  replies_missing: ["rate<0.05"]
  duplicate_replies: ["count<1"]
`);
    expect(output).toContain('drill: PASS');
    expect(code).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(report.load).toMatchObject({ scheduled: 100, arrivals: 100, dropped: 0 });
    const latency = report.slis.reply_latency!;
    expect(latency.count).toBeGreaterThan(60);
    expect(latency.percentiles!.p50).toBeGreaterThan(0);
    expect(report.slis.duplicate_replies).toMatchObject({ count: 0 });
    expect(report.slis.inject_errors).toMatchObject({ count: 0, total: 100 });
    // The stored histogram decodes to the same distribution the report summarises.
    const stored = LatencyHistogram.fromJSON(report.histograms.reply_latency);
    expect(stored.count).toBe(latency.count);
    expect(stored.percentileMs(99)).toBeCloseTo(latency.percentiles!.p99!, 0);
    expect(report.services.map((s) => [s.name, s.release])).toEqual([
      ['bridge', '0.100'],
      ['bot', '1.4.0'],
    ]);
    expect(report.timeline.map((e) => `${e.source}:${e.type}`)).toEqual(expect.arrayContaining(['service:started', 'load:start', 'load:end', 'fault:reset']));
    expect(report.series.columns).toEqual(expect.arrayContaining(['tMs', 'sent', 'replies', 'queue_depth']));
    const markdown = readFileSync(path.join(runDir, 'report.md'), 'utf8');
    expect(markdown.split('\n')[2]).toMatch(/^\*\*PASS\*\*/);
    expect(markdown).toMatch(/\| ✅ \| reply_latency \| `p\(95\)<1000` \|/);
  });

  it('a bot that cannot keep up fails its latency threshold and exits 1', async () => {
    const { code, report } = await run(`
load: { executor: constant-arrival-rate, rate: 20, duration: 3s, gracefulStop: 8s }
workload:
  type: signal
  bridge: bridge
  bots: [bot]
  messages: [{ text: "!slow" }]
thresholds:
  reply_latency: ["p(99)<100"]
`);
    expect(report.verdict).toBe('fail');
    expect(code).toBe(1);
    const threshold = report.thresholds[0]!;
    expect(threshold.pass).toBe(false);
    expect(threshold.observed).toBeGreaterThan(250); // !slow takes 250 ms in release 1.4.0
  });
});
