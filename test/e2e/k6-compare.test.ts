/**
 * `drill compare` on mixed pairs: a k6 run imported with `drill import k6` against a real drill run of the same
 * scenario, both ways round. The k6 files are written from samples drawn from the drill run's own latency
 * histograms, so the pair must judge Pass; with the imported samples made 40 ms faster, the drill run is a
 * regression of reply_latency and must Fail naming it. An import is kept in the history, so `drill gate` judges
 * a new drill run against a k6 baseline.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/common/random.ts';
import type { ComparisonResult } from '../../src/compare/release-comparison.ts';
import { LatencyHistogram } from '../../src/load/latency-histogram.ts';
import type { Report } from '../../src/report/report-schema.ts';
import { drillSync, runFolders, runScenarioFile, startDrill } from '../helpers/drill-cli.ts';
import { trendSummary, writeJsonOutput, writeSummary, type KnownSample } from '../helpers/k6-samples.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-k6-compare-'));
const scenarioFile = path.join(dir, 'signal-mixed.yaml');
// `!slow` replies take the bot's 250 ms, so a baseline 40 ms faster stays a real latency; at 5/s the bot keeps up
// (at 20/s its replies queue and the latencies spread over a second).
writeFileSync(
  scenarioFile,
  `name: signal-mixed
release: 1.4.0
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot, env: { WORKER_POOL_SIZE: 16, RATE_LIMIT: 200 } }
links: [{ from: bot, to: bridge }]
load: { executor: constant-arrival-rate, rate: 5, duration: 8s, gracefulStop: 5s }
workload: { type: signal, bridge: bridge, bots: [bot], users: 100, messages: [{ text: "!slow" }] }
thresholds:
  reply_latency: ["p(95)<5000"]
`,
);

/** `count` values drawn with replacement from a histogram of the drill run, each shifted by `shiftMs`. */
function drawn(histogram: LatencyHistogram, count: number, seed: number, shiftMs: number): number[] {
  const values = histogram.buckets().flatMap((b) => Array<number>(b.count).fill(b.valueMs));
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.round((values[Math.floor(random.next() * values.length)]! + shiftMs) * 1_000) / 1_000);
}

/** k6 summary and JSON output of a k6 run of the scenario, imported; returns the imported report.json's path. */
function importedRun(drillRun: Report, name: string, shiftMs: number): string {
  const startMs = drillRun.startedAtMs - 3_600_000;
  const arrivals = 100;
  const latency = drawn(LatencyHistogram.fromJSON(drillRun.histograms['reply_latency']), arrivals, 7, shiftMs);
  const uncorrected = drawn(LatencyHistogram.fromJSON(drillRun.histograms['reply_latency_uncorrected']), arrivals, 8, shiftMs);
  const samples: KnownSample[] = latency.flatMap((value, i) => {
    const atMs = startMs + (i * 8_000) / arrivals;
    const tags = { scenario: 'load', instance_id: '1' };
    return [
      { metric: 'reply_latency', value, atMs: atMs + value, tags },
      { metric: 'reply_latency_uncorrected', value: uncorrected[i]!, atMs: atMs + value, tags },
      { metric: 'replies_missing', value: 0, atMs: atMs + value, tags },
      { metric: 'iterations', value: 1, atMs, tags },
    ];
  });
  writeJsonOutput(path.join(dir, `${name}.json`), samples);
  writeSummary(path.join(dir, `${name}-summary.json`), {
    reply_latency: trendSummary(latency, { 'p(95)<5000': false }),
    reply_latency_uncorrected: trendSummary(uncorrected),
    replies_missing: { value: 0, passes: 0, fails: arrivals },
    iterations: { count: arrivals, rate: arrivals / 8 },
  });
  const out = path.join(dir, `${name}-out`);
  const run = drillSync(['import', 'k6', path.join(dir, `${name}-summary.json`), path.join(dir, `${name}.json`), '--scenario', scenarioFile, '--out', out]);
  expect(run.code, run.stderr).toBe(0);
  return path.join(out, runFolders(out)[0]!, 'report.json');
}

function compare(baseline: string, candidate: string): { code: number | null; output: string; result: ComparisonResult } {
  const json = path.join(dir, `compare-${Math.random().toString(36).slice(2)}.json`);
  const run = drillSync(['compare', baseline, candidate, '--json', json]);
  const result = JSON.parse(readFileSync(json, 'utf8')) as ComparisonResult;
  return { code: run.code, output: `${run.stdout}${run.stderr}`, result };
}

const SHARED = ['reply_latency', 'reply_latency_uncorrected', 'replies_missing', 'dropped_arrivals'];

/** The shared SLIs of the whole run were judged (a verdict of their own, not nodata or cannot-judge). */
function expectJudged(result: ComparisonResult): void {
  for (const sli of SHARED) {
    const judged = result.slis.find((s) => s.sli === sli && s.phase === 'run');
    expect(judged?.classification, `${sli}: ${judged?.reason}`).toMatch(/^(pass|high|low)$/);
  }
}

let drillReport: string;
let drillRun: Report;

describe('drill compare on an imported k6 run and a drill run', () => {
  beforeAll(async () => {
    const run = await runScenarioFile(scenarioFile);
    expect(run.code, run.output).toBe(0);
    drillRun = run.report;
    drillReport = path.join(run.runDir, 'report.json');
  }, 120_000);

  it('judges Pass when the k6 baseline is drawn like the drill run', () => {
    const { code, output, result } = compare(importedRun(drillRun, 'alike', 0), drillReport);
    expectJudged(result);
    expect(result.verdict, output).toBe('pass');
    expect(code).toBe(0);
    expect(output).toMatch(/signal-mixed: 1\.4\.0 against baseline 1\.4\.0: \*\*PASS\*\*/);
    // The k6 run records no services: no configuration drift is claimed from that.
    expect(result.drift).toEqual([]);
  });

  it('fails naming reply_latency when the k6 baseline is 40 ms faster than the drill candidate', () => {
    const { code, output, result } = compare(importedRun(drillRun, 'faster', -40), drillReport);
    expectJudged(result);
    expect(result.verdict, output).toBe('fail');
    expect(code).toBe(1);
    expect(result.slis.find((s) => s.sli === 'reply_latency' && s.phase === 'run')?.classification).toBe('high');
    expect(result.reasons.join('\n')).toMatch(/critical reply_latency High: median/);
  });

  it('judges the reverse pair too: a drill baseline against the imported k6 candidate', () => {
    const alike = compare(drillReport, importedRun(drillRun, 'alike-candidate', 0));
    expectJudged(alike.result);
    expect(alike.result.verdict, alike.output).toBe('pass');
    // A k6 candidate 40 ms slower than the drill baseline is the regression now.
    const slower = compare(drillReport, importedRun(drillRun, 'slower-candidate', 40));
    expectJudged(slower.result);
    expect(slower.result.slis.find((s) => s.sli === 'reply_latency' && s.phase === 'run')?.classification, slower.output).toBe('high');
    expect(slower.result.verdict).toBe('fail');
    expect(slower.code).toBe(1);
  });

  it('gates a new drill run against a k6 run kept in the history and marked as the baseline', { timeout: 120_000 }, async () => {
    const imported = importedRun(drillRun, 'gate-baseline', 0);
    const history = path.join(path.dirname(path.dirname(imported)), 'history');
    const runId = path.basename(path.dirname(imported));
    expect(readdirSync(path.join(history, 'signal-mixed', '1.4.0'))).toEqual([runId]);
    const mark = drillSync(['baseline', 'mark', runId, '--history', history]);
    expect(mark.stdout, mark.stderr).toMatch(/signal-mixed: baseline is now 1\.4\.0 \(1 run: k6-signal-mixed-/);
    const gateDir = path.join(dir, 'gate');
    writeFileSync(path.join(dir, 'gate.yaml'), `history: ${history}\nreportDir: ${gateDir}\njunit: ${gateDir}/junit.xml\nsummary: ${gateDir}/summary.md\nruns: [{ scenario: ${scenarioFile} }]\n`);
    const gate = startDrill(['gate', path.join(dir, 'gate.yaml'), '--candidate', '1.4.0'], { DRILL_STATE_DIR: path.join(dir, 'state') });
    const { code } = await gate.exit;
    expect(code, gate.output()).toBe(0);
    const junit = readFileSync(path.join(gateDir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(/<testsuite name="drill gate: signal-mixed" tests="\d+" failures="0" errors="0"/);
    expect(junit).toMatch(/<testcase classname="signal-mixed.run" name="reply_latency"/);
  });
});
