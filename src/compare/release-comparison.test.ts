/** The judgement end to end on reports built in memory: each regression fails for its own reason, A/A passes. */
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../load/latency-histogram.ts';
import type { Report, SliValue } from '../report/report-schema.ts';
import { parseRollbackRule, type RollbackRule } from '../scenario/rollback-expression.ts';
import { compareReleases, type JudgementSource } from './release-comparison.ts';
import { poolReports } from './report-pool.ts';
import { seededRandom } from '../common/random.ts';

interface Shape {
  release: string;
  seed: number;
  /** Extra latency on every reply, ms. */
  shiftMs?: number;
  /** Every n-th reply gets tailMs more. */
  tailEvery?: number;
  tailMs?: number;
  duplicates?: number;
  env?: Record<string, string>;
}

function report({ release, seed, shiftMs = 0, tailEvery, tailMs = 0, duplicates = 0, env = {} }: Shape): Report {
  const random = seededRandom(seed);
  const h = new LatencyHistogram();
  for (let i = 1; i <= 600; i++) h.recordMs(150 + random.next() * 60 + shiftMs + (tailEvery && i % tailEvery === 0 ? tailMs : 0));
  const slis: Record<string, SliValue> = {
    reply_latency: { kind: 'trend', unit: 'ms', count: h.count, histogram: 'reply_latency' },
    duplicate_replies: { kind: 'rate', unit: 'messages', count: duplicates, total: 600, rate: duplicates / 600 },
    dlq_growth: { kind: 'counter', unit: 'records', count: 0 },
    arrivals: { kind: 'counter', unit: 'arrivals', count: 600 },
  };
  return {
    schema: 'drill.report/v1', runId: `r-${release}-${seed}`, drillVersion: '0', scenario: { name: 's', file: 's.yaml', sha256: '' }, release, runtime: 'process', seed,
    startedAtMs: 0, endedAtMs: 1, verdict: 'pass', reasons: [], rollbacks: [], errorBudget: [],
    services: [{ name: 'bot', kind: 'bot', release, source: 'fixture:bot', ports: {}, config: { release, source: 'fixture:bot', env: { WORKER_POOL_SIZE: '16', ...env } } }],
    load: { executor: 'constant-arrival-rate', targetRate: 50, achievedRate: 50, arrivals: 600, scheduled: 600, dropped: 0, durationMs: 12_000 },
    slis, phases: [{ name: 'run', startMs: 0, endMs: 12_000, slis }], thresholds: [], steps: [],
    histograms: { reply_latency: h.toJSON() }, series: { intervalMs: 1_000, columns: ['tMs'], rows: [] }, timeline: [], errors: [],
  };
}

const rules = ['reply_latency p(95) > 2x baseline', 'dlq_growth > baseline', 'duplicate_replies > baseline + 1pt'].map((r) => parseRollbackRule(r) as RollbackRule);
const scenario: JudgementSource = {
  workload: { type: 'signal' },
  thresholds: { reply_latency: ['p(95)<1000'], duplicate_replies: ['count<1'] },
  rollback: rules,
  compare: { slis: {}, alpha: 0.01, minSamples: 20, passScore: 95, marginalScore: 75, resamples: 1_000 },
};
const judge = (b: Report[], c: Report[], s: JudgementSource | undefined = scenario) => compareReleases(poolReports(b), poolReports(c), s);
const known = [report({ release: '1.4.0', seed: 1 }), report({ release: '1.4.0', seed: 2 })];

describe('compareReleases', () => {
  it('passes the known-good release against itself', () => {
    const result = judge(known, [report({ release: '1.4.0', seed: 3 })]);
    expect(result.verdict).toBe('pass');
    expect(result.slis.find((s) => s.sli === 'reply_latency')?.classification).toBe('pass');
  });

  it('fails +40 ms handler latency on reply_latency, by the rank test', () => {
    const result = judge(known, [report({ release: '1.4.1', seed: 3, shiftMs: 40 })]);
    expect(result.verdict).toBe('fail');
    expect(result.reasons.join('\n')).toMatch(/critical reply_latency High: median .*beyond the floors/);
  });

  it('fails a tail-only regression on the bootstrap of p99 while the rank test sees nothing', () => {
    const result = judge(known, [report({ release: '1.4.2', seed: 3, tailEvery: 25, tailMs: 400 })]);
    const latency = result.slis.find((s) => s.sli === 'reply_latency')!;
    expect(latency.pValue).toBeGreaterThan(0.01);
    expect(latency.classification).toBe('high');
    expect(latency.reason).toMatch(/p99 \d+ → \d+ ms \(\+\d+/);
    expect(result.verdict).toBe('fail');
  });

  it('fails double replies by the exact test and the rollback threshold, naming both', () => {
    const result = judge(known, [report({ release: '1.4.3', seed: 3, duplicates: 12 })]);
    expect(result.verdict).toBe('fail');
    expect(result.reasons[0]).toMatch(/rollback threshold tripped: duplicate_replies > baseline \+ 1pt/);
    expect(result.slis.find((s) => s.sli === 'duplicate_replies')).toMatchObject({ classification: 'high', test: 'exact-binomial' });
  });

  it('lets a significant difference under the floor pass', () => {
    const result = judge(known, [report({ release: '1.4.1', seed: 3, shiftMs: 40 })], { ...scenario, compare: { ...scenario.compare, slis: { reply_latency: { floor: 100 } } } });
    expect(result.slis.find((s) => s.sli === 'reply_latency')?.classification).toBe('pass');
  });

  it('cannot judge a critical SLI that is missing, and never passes it', () => {
    const candidate = report({ release: '1.4.0', seed: 3 });
    delete candidate.slis['duplicate_replies'];
    const result = judge(known, [candidate]);
    expect(result.verdict).toBe('cannot-judge');
    expect(result.reasons.join('\n')).toMatch(/duplicate_replies/);
    expect(result.slis.find((s) => s.sli === 'duplicate_replies')?.classification).toBe('nodata');
  });

  it('lists configuration drift between the releases', () => {
    const result = judge(known, [report({ release: '1.4.0', seed: 3, env: { WORKER_POOL_SIZE: '2' } })]);
    expect(result.drift).toContainEqual({ service: 'bot', key: 'env.WORKER_POOL_SIZE', baseline: '16', candidate: '2' });
  });

  it('lists a rebuilt image under the same tag as drift of its id', () => {
    const onImage = (id: string) => {
      const r = report({ release: '1.4.0', seed: 3 });
      r.services[0]!.config = { ...r.services[0]!.config!, image: 'drill/bot:1.4.0', imageId: id };
      return r;
    };
    const result = judge([onImage('sha256:aaa')], [onImage('sha256:bbb')]);
    expect(result.drift).toEqual([{ service: 'bot', key: 'imageId', baseline: 'sha256:aaa', candidate: 'sha256:bbb' }]);
  });

  it('pools runs: histogram counts add up', () => {
    const pool = poolReports(known);
    const latency = pool.windows[0]!.slis.get('reply_latency');
    expect(latency?.kind === 'trend' && latency.histogram.count).toBe(1_200);
    expect(pool.runIds).toHaveLength(2);
  });
});
