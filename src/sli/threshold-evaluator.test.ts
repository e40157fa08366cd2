import { describe, expect, it } from 'vitest';
import type { SliValue } from '../report/report-schema.ts';
import { parseThresholdExpression, type ThresholdExpression } from '../scenario/threshold-expression.ts';
import { evaluateThresholds, type ThresholdSpec } from './threshold-evaluator.ts';

const spec = (sli: string, source: string): ThresholdSpec => ({
  sli,
  phase: undefined,
  expression: parseThresholdExpression(source) as ThresholdExpression,
  abortOnFail: false,
  delayAbortEvalMs: 0,
});

const slis: Record<string, SliValue> = {
  reply_latency: { kind: 'trend', unit: 'ms', count: 100, min: 1, max: 900, avg: 50, percentiles: { p50: 20, p95: 400, p99: 800 } },
  replies_missing: { kind: 'rate', unit: 'messages', count: 3, total: 100, rate: 0.03 },
  queue_depth: { kind: 'gauge', unit: 'messages', value: 4, min: 0, max: 40, avg: 10 },
};

describe('evaluateThresholds', () => {
  it('judges each aggregation against the observed value', () => {
    const results = evaluateThresholds(
      [spec('reply_latency', 'p(95)<500'), spec('reply_latency', 'p(99)<500'), spec('replies_missing', 'rate<0.01'), spec('queue_depth', 'max<=40'), spec('reply_latency', 'med<30')],
      slis,
      () => undefined,
    );
    expect(results.map((r) => [r.observed, r.pass])).toEqual([
      [400, true],
      [800, false],
      [0.03, false],
      [40, true],
      [20, true],
    ]);
  });

  it('counts a rate or counter with no events as zero, and fails a trend with no samples', () => {
    const results = evaluateThresholds([spec('duplicate_replies', 'count<1'), spec('http_req_duration', 'p(95)<100')], {}, () => undefined);
    expect(results[0]).toMatchObject({ observed: 0, pass: true });
    expect(results[1]).toMatchObject({ observed: null, pass: false, note: 'no samples' });
  });

  it('reads uncommon percentiles from the histogram', () => {
    const histogram = { percentileMs: (p: number) => p * 10 } as never;
    const [result] = evaluateThresholds([spec('reply_latency', 'p(97.5)<1000')], slis, () => histogram);
    expect(result).toMatchObject({ observed: 975, pass: true });
  });
});
