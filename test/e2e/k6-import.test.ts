/**
 * `drill import k6` as a child process on k6 files written from known samples (two runners, one gzipped): the
 * report is schema-valid, counts come back exactly, percentiles exactly as an HdrHistogram of the same samples
 * reports them (so within its precision of the true ones), per phase too, and k6's threshold verdicts decide the
 * exit code. A real short drill run and an imported run share SLI names, kinds, units and histogram encoding.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/common/random.ts';
import { SIGNAL_K6_SLIS } from '../../src/interop/k6/signal-script.ts';
import { LatencyHistogram } from '../../src/load/latency-histogram.ts';
import { reportSchema, type Report } from '../../src/report/report-schema.ts';
import { drillSync, runFolders, runScenarioFile } from '../helpers/drill-cli.ts';
import { trendSummary, writeJsonOutput, writeSummary, type KnownSample } from '../helpers/k6-samples.ts';

const startMs = Date.UTC(2026, 0, 1);

function importRun(args: string[]): { code: number | null; stdout: string; stderr: string; report: Report | undefined } {
  const out = mkdtempSync(path.join(os.tmpdir(), 'drill-k6-import-out-'));
  const run = drillSync(['import', 'k6', ...args, '--out', out]);
  const [runId] = runFolders(out);
  const report = runId ? reportSchema.parse(JSON.parse(readFileSync(path.join(out, runId, 'report.json'), 'utf8'))) : undefined;
  return { ...run, report };
}

/** One runner's samples of a signal test: 20 s baseline then 20 s after-rollback, some replies missing. */
function runnerSamples(instance: string, seed: number, arrivals: number): KnownSample[] {
  const random = seededRandom(seed);
  const samples: KnownSample[] = [];
  for (let i = 0; i < arrivals; i++) {
    const atMs = startMs + (i * 40_000) / arrivals;
    const phase = atMs - startMs < 20_000 ? 'baseline' : 'after-rollback';
    const tags = { phase, scenario: `load_${phase.replace('-', '_')}`, instance_id: instance };
    const missing = random.next() < 0.03;
    if (!missing) {
      // A long tail: most replies in tens of ms, a few in seconds, to exercise several HdrHistogram magnitudes.
      const latencyMs = Math.round((5 + 40 * random.next() + (random.next() < 0.05 ? 2_000 * random.next() : 0)) * 1_000) / 1_000;
      samples.push({ metric: 'reply_latency', value: latencyMs, atMs: atMs + latencyMs, tags });
      samples.push({ metric: 'reply_latency_uncorrected', value: latencyMs * 0.9, atMs: atMs + latencyMs, tags });
    }
    samples.push({ metric: 'replies_missing', value: missing ? 1 : 0, atMs: atMs + 1, tags });
    samples.push({ metric: 'iterations', value: 1, atMs: atMs + 2, tags });
    samples.push({ metric: 'vus', value: 3, atMs, tags: { instance_id: instance } }); // k6's own, not an SLI
  }
  return samples;
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-k6-import-'));
const runnerA = runnerSamples('1', 5, 400);
const runnerB = runnerSamples('2', 6, 401);
runnerB.push({
  metric: 'dropped_iterations',
  value: 1,
  atMs: startMs + 30_000,
  tags: { phase: 'after-rollback', scenario: 'load_after_rollback', instance_id: '2' },
});
// The Signal script's oracle watcher ends with an iteration of its own: not an arrival.
runnerA.push({ metric: 'iterations', value: 1, atMs: startMs + 40_000, tags: { scenario: 'oracle_watch', instance_id: '1' } });
const all = [...runnerA, ...runnerB];
const latencies = (phase?: string) =>
  all.filter((s) => s.metric === 'reply_latency' && (!phase || s.tags['phase'] === phase)).map((s) => s.value);
const missingOf = (phase?: string) => all.filter((s) => s.metric === 'replies_missing' && (!phase || s.tags['phase'] === phase));
writeJsonOutput(path.join(dir, 'runner-1.json'), runnerA);
writeJsonOutput(path.join(dir, 'runner-2.json.gz'), runnerB);
const missing = missingOf();
writeSummary(path.join(dir, 'summary.json'), {
  // One runner's summary: k6 saw max under 1 s there, the merged samples have a longer tail.
  reply_latency: trendSummary(latencies(), { 'p(95)<5000': false, 'max<1000': false }),
  'reply_latency{phase:after-rollback}': trendSummary(latencies('after-rollback'), { 'p(50)<10': true }),
  replies_missing: {
    value: missing.filter((s) => s.value).length / missing.length,
    passes: missing.filter((s) => s.value).length,
    fails: missing.filter((s) => !s.value).length,
  },
  replies_missing_count: { count: missing.filter((s) => s.value).length, rate: 0.5, thresholds: { 'count<100': false } },
  iterations: { count: 801, rate: 801 / 40 },
  dropped_iterations: { count: 1, rate: 1 / 40 },
});

function hdr(values: number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.recordMs(value);
  return histogram;
}

const imported = importRun([path.join(dir, 'summary.json'), path.join(dir, 'runner-1.json'), path.join(dir, 'runner-2.json.gz')]);

describe('drill import k6', () => {
  it("writes a schema-valid report and exits 1 because one of k6's thresholds failed", () => {
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/from \d+ samples from 2 runner\(s\): .* verdict fail/);
    expect(imported.code).toBe(1);
    expect(imported.report!.verdict).toBe('fail');
    expect(imported.report!.thresholds).toEqual([
      {
        sli: 'reply_latency',
        expression: 'p(95)<5000',
        phase: 'run',
        observed: hdr(latencies()).percentileMs(95),
        pass: true,
        abortOnFail: false,
      },
      {
        sli: 'reply_latency',
        expression: 'max<1000',
        phase: 'run',
        observed: hdr(latencies()).maxMs,
        pass: false,
        abortOnFail: false,
        note: "k6 judged pass on one runner's samples",
      },
      {
        sli: 'reply_latency',
        expression: 'p(50)<10',
        phase: 'after-rollback',
        observed: hdr(latencies('after-rollback')).percentileMs(50),
        pass: false,
        abortOnFail: false,
      },
      {
        sli: 'replies_missing',
        expression: 'count<100',
        phase: 'run',
        observed: missing.filter((s) => s.value).length,
        pass: true,
        abortOnFail: false,
      },
    ]);
  });

  it('gives back counts exactly and percentiles as the HdrHistogram of the samples, merged across runners', () => {
    const report = imported.report!;
    const expected = hdr(latencies());
    const latency = report.slis['reply_latency']!;
    expect(latency.count).toBe(latencies().length);
    expect(latency.percentiles).toEqual({
      p50: expected.percentileMs(50),
      p90: expected.percentileMs(90),
      p95: expected.percentileMs(95),
      p99: expected.percentileMs(99),
      'p99.9': expected.percentileMs(99.9),
    });
    expect(latency.max).toBe(expected.maxMs);
    // Within HdrHistogram's precision (3 significant digits) of the exact nearest-rank percentile.
    const sorted = latencies().sort((a, b) => a - b);
    for (const p of [50, 90, 99]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
      expect(Math.abs(latency.percentiles![`p${p}`]! - exact)).toBeLessThanOrEqual(exact * 1e-3 + 1e-3);
    }
    // The stored histogram is the merge of the two runners' histograms.
    const stored = LatencyHistogram.fromJSON(report.histograms[latency.histogram!]);
    const merged = hdr(runnerA.filter((s) => s.metric === 'reply_latency').map((s) => s.value)).merge(
      hdr(runnerB.filter((s) => s.metric === 'reply_latency').map((s) => s.value)),
    );
    expect(stored.summary()).toEqual(merged.summary());
    expect(report.slis['replies_missing']).toMatchObject({ count: missing.filter((s) => s.value).length, total: missing.length });
    expect(report.slis['arrivals']).toMatchObject({ count: 801 });
    expect(report.slis['dropped_arrivals']).toMatchObject({ count: 1, total: 802 });
    expect(report.load).toMatchObject({ arrivals: 801, dropped: 1, scheduled: 802 });
    expect(report.slis['vus']).toBeUndefined();
  });

  it('reports each phase from the samples tagged with it', () => {
    const phases = imported.report!.phases;
    expect(phases.map((p) => p.name)).toEqual(['baseline', 'after-rollback']);
    for (const phase of phases) {
      const values = latencies(phase.name);
      expect(phase.slis['reply_latency']!.count).toBe(values.length);
      expect(phase.slis['reply_latency']!.percentiles!['p99']).toBe(hdr(values).percentileMs(99));
      expect(phase.slis['replies_missing']!.total).toBe(missingOf(phase.name).length);
      expect(LatencyHistogram.fromJSON(imported.report!.histograms[`${phase.name}/reply_latency`]).count).toBe(values.length);
    }
    expect(phases[0]!.endMs).toBe(phases[1]!.startMs);
  });

  it("reads a summary alone: k6's statistics, no histograms", () => {
    const alone = importRun([path.join(dir, 'summary.json')]);
    expect(alone.code).toBe(1);
    // Without samples, k6's verdicts stand.
    expect(alone.report!.thresholds.map((t) => [t.expression, t.pass])).toEqual([
      ['p(95)<5000', true],
      ['max<1000', true],
      ['p(50)<10', false],
      ['count<100', true],
    ]);
    const latency = alone.report!.slis['reply_latency']!;
    const summary = trendSummary(latencies());
    expect(latency).toMatchObject({
      count: latencies().length,
      percentiles: { p50: summary['med'], p95: summary['p(95)'], p99: summary['p(99)'] },
    });
    expect(latency.histogram).toBeUndefined();
    expect(alone.report!.histograms).toEqual({});
    expect(alone.report!.phases.map((p) => p.name)).toEqual(['after-rollback']);
    expect(alone.report!.load.durationMs).toBeCloseTo(40_000, 6);
  });

  it('takes the name, release, seed and schedule of the scenario it was exported from', () => {
    const withScenario = importRun([path.join(dir, 'summary.json'), path.join(dir, 'runner-1.json'), '--scenario', 'drills/rollback.yaml']);
    expect(withScenario.report!.scenario).toMatchObject({ name: 'rollback', file: path.join(process.cwd(), 'drills/rollback.yaml') });
    expect(withScenario.report!).toMatchObject({
      release: '1.5.0',
      seed: 11,
      runtime: 'k6',
      load: { executor: 'constant-arrival-rate', targetRate: 20 },
    });
    expect(withScenario.stdout).toContain('from 1 runner(s)');
  });

  it('refuses files that are not k6 output, naming the file and line (exit 2)', () => {
    writeFileSync(path.join(dir, 'not-summary.json'), JSON.stringify({ metrics: 3 }));
    const bad = drillSync(['import', 'k6', path.join(dir, 'not-summary.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not-summary\.json: not a k6 --summary-export file: `metrics`/);
    writeFileSync(
      path.join(dir, 'broken.json'),
      '{"type":"Point","metric":"reply_latency","data":{"time":"2026-01-01T00:00:00Z","value":1}}\n{oops\n',
    );
    const broken = drillSync(['import', 'k6', path.join(dir, 'summary.json'), path.join(dir, 'broken.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.json:2: not a JSON line/);
  });
});

describe('an imported k6 run next to a drill run', () => {
  it('shares SLI names, kinds, units and the histogram encoding, so the two compare and merge', { timeout: 120_000 }, async () => {
    const scenarioFile = path.join(dir, 'signal-short.yaml');
    writeFileSync(
      scenarioFile,
      `name: signal-short
release: 1.4.0
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot, env: { WORKER_POOL_SIZE: 16 } }
links: [{ from: bot, to: bridge }]
load: { executor: constant-arrival-rate, rate: 10, duration: 2s, gracefulStop: 5s }
workload: { type: signal, bridge: bridge, bots: [bot], users: 10, messages: [{ text: "!ping" }] }
`,
    );
    const { report: drillRun } = await runScenarioFile(scenarioFile);
    const k6Run = imported.report!;
    // Every SLI the k6 script measures is one drill's run reports, under the same name, kind and unit.
    for (const sli of SIGNAL_K6_SLIS) expect(Object.keys(drillRun.slis)).toContain(sli);
    const shared = Object.keys(k6Run.slis).filter((name) => name in drillRun.slis);
    expect(shared).toEqual(
      expect.arrayContaining(['reply_latency', 'reply_latency_uncorrected', 'replies_missing', 'arrivals', 'dropped_arrivals']),
    );
    for (const name of shared) {
      expect({ name, kind: k6Run.slis[name]!.kind, unit: k6Run.slis[name]!.unit }).toEqual({
        name,
        kind: drillRun.slis[name]!.kind,
        unit: drillRun.slis[name]!.unit,
      });
      expect(Object.keys(k6Run.slis[name]!).sort()).toEqual(Object.keys(drillRun.slis[name]!).sort());
    }
    const { data: _k6Data, count: _k6Count, ...k6Encoding } = k6Run.histograms['reply_latency']!;
    const { data: _drillData, count: _drillCount, ...drillEncoding } = drillRun.histograms['reply_latency']!;
    expect(k6Encoding).toEqual(drillEncoding);
    const both = LatencyHistogram.fromJSON(drillRun.histograms['reply_latency']).merge(
      LatencyHistogram.fromJSON(k6Run.histograms['reply_latency']),
    );
    expect(both.count).toBe(drillRun.slis['reply_latency']!.count! + k6Run.slis['reply_latency']!.count!);
  });
});
