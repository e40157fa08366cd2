/** The comparison page from pools built in memory: verdict, SLI rows, one distribution series per side, drift. */
import { describe, expect, it } from 'vitest';
import { compareReleases } from '../../compare/release-comparison.ts';
import { poolReports } from '../../compare/report-pool.ts';
import { LatencyHistogram } from '../../load/latency-histogram.ts';
import { parseRollbackRule, type RollbackRule } from '../../scenario/rollback-expression.ts';
import type { Report } from '../report-schema.ts';
import type { ChartSpec } from './chart-spec.ts';
import { renderComparePage } from './compare-page.ts';
import { PERCENTILE_XS } from './latency-distribution.ts';

/** 400 replies spread over 100–300 ms, plus `shiftMs`; the bot's pool size as given. */
function run(release: string, shiftMs: number, pool: string): Report {
  const h = new LatencyHistogram();
  for (let i = 0; i < 400; i++) h.recordMs(100 + (i % 200) + shiftMs);
  const slis = { reply_latency: { kind: 'trend' as const, unit: 'ms', count: h.count, histogram: 'reply_latency' }, arrivals: { kind: 'counter' as const, unit: 'arrivals', count: 400 } };
  const bot = { name: 'bot', kind: 'bot', release, source: 'fixture:bot', ports: {}, config: { release, source: 'fixture:bot', env: { WORKER_POOL_SIZE: pool } } };
  return {
    schema: 'drill.report/v1', runId: `run-${release}`, drillVersion: '0', scenario: { name: 'cmp', file: 'cmp.yaml', sha256: '' }, release, runtime: 'process', seed: 1,
    startedAtMs: 0, endedAtMs: 1, verdict: 'pass', reasons: [], rollbacks: [], errorBudget: [], services: [bot],
    load: { executor: 'constant-arrival-rate', targetRate: 40, achievedRate: 40, arrivals: 400, scheduled: 400, dropped: 0, durationMs: 10_000 },
    slis, phases: [{ name: 'run', startMs: 0, endMs: 10_000, slis }], thresholds: [], steps: [],
    histograms: { reply_latency: h.toJSON() }, series: { intervalMs: 1_000, columns: ['tMs'], rows: [] }, timeline: [], errors: [],
  };
}

function page(shiftMs: number, pool = '16', release = '1.5.0') {
  const baseline = poolReports([run('1.4.0', 0, '16')]);
  const candidate = poolReports([run(release, shiftMs, pool)]);
  const rollback = [parseRollbackRule('reply_latency p(95) > 1.2x baseline') as RollbackRule];
  const scenario = { workload: { type: 'signal' }, thresholds: {}, rollback, compare: { slis: {}, alpha: 0.01, minSamples: 20, passScore: 95, marginalScore: 75, resamples: 300 } };
  return renderComparePage(compareReleases(baseline, candidate, scenario), { baseline, candidate });
}

const specs = (html: string) => [...html.matchAll(/<script type="application\/json" class="chart-spec">(.*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as ChartSpec);

describe('renderComparePage', () => {
  it('fails a slower candidate and says why: the critical SLI High, the tripped rollback threshold, the drift', () => {
    const html = page(150, '4');
    expect(html).toContain('data-verdict="fail"');
    expect(html).toMatch(/<li>critical reply_latency High: /);
    expect(html).toMatch(/<li>rollback threshold tripped: reply_latency p\(95\) &gt; 1\.2x baseline/);
    expect(html).toMatch(/<td>run<\/td><td>reply_latency<\/td><td>p95<\/td>.*?data-classification="high"[^>]*>High \(critical\)/);
    expect(html).toMatch(/class="num">\+150 ms \[\d+(\.\d+)?, \d+(\.\d+)?\]<\/td>/);
    expect(html).toContain('<td>mann-whitney+bootstrap</td>');
    expect(html).toMatch(/<td>bot<\/td><td><code>env\.WORKER_POOL_SIZE<\/code><\/td><td>16<\/td><td>4<\/td>/);
  });

  it('overlays one percentile series per side, the candidate above the baseline by the shift', () => {
    const [chart, ...others] = specs(page(150));
    expect(others).toEqual([]);
    expect(chart!.id).toBe('chart-distribution-reply_latency');
    expect(chart!.series.map((s) => s.label)).toEqual(['baseline 1.4.0 (n=400)', 'candidate 1.5.0 (n=400)']);
    expect(chart!.series.map((s) => s.values.length)).toEqual([PERCENTILE_XS.length, PERCENTILE_XS.length]);
    const [b, c] = chart!.series.map((s) => s.values[10]!);
    expect(c! - b!).toBeCloseTo(150, -1);
  });

  it('passes a candidate like the baseline and says there is no configuration drift', () => {
    const html = page(0, '16', '1.4.0');
    expect(html).toContain('data-verdict="pass"');
    expect(html).not.toContain('data-classification="high"');
    expect(html).toContain("No difference in the services' configuration.");
  });
});
