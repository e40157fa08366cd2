import { describe, expect, it } from 'vitest';
import type { RollbackCheck } from './rollback-check.ts';
import type { Classification, SliComparison } from './sli-comparison.ts';
import { decideVerdict, exitCodeOfVerdict } from './verdict.ts';
import { gateVerdict } from './gate-runner.ts';

const sli = (name: string, classification: Classification, critical = false, weight = 1): SliComparison => ({
  sli: name, phase: 'run', kind: 'rate', unit: 'x', direction: 'increase', weight, critical, figure: 'rate', baseline: 0, candidate: 0, difference: 0,
  interval: null, samples: [100, 100], test: 'exact-binomial', pValue: 1, classification, reason: `${name} figures`,
});
const cutoffs = { passScore: 95, marginalScore: 75 };
const rule = (tripped: boolean | null): RollbackCheck => ({ rule: 'dlq_growth > baseline', sli: 'dlq_growth', baseline: 0, limit: 0, candidate: tripped ? 2 : 0, tripped });

describe('decideVerdict', () => {
  it('scores by weight and cuts at Pass / Marginal / Fail', () => {
    const pass = Array.from({ length: 19 }, (_, i) => sli(`s${i}`, 'pass'));
    expect(decideVerdict([...pass, sli('x', 'high')], [], cutoffs)).toMatchObject({ verdict: 'pass', score: 95 });
    expect(decideVerdict([...pass.slice(0, 8), sli('x', 'high'), sli('y', 'low')], [], cutoffs)).toMatchObject({ verdict: 'marginal', score: 80 });
    expect(decideVerdict([sli('a', 'pass'), sli('x', 'high')], [], cutoffs)).toMatchObject({ verdict: 'fail', score: 50 });
  });

  it('fails on a critical High whatever the score, and names it', () => {
    const result = decideVerdict([...Array.from({ length: 99 }, (_, i) => sli(`s${i}`, 'pass')), sli('reply_latency', 'high', true)], [], cutoffs);
    expect(result.verdict).toBe('fail');
    expect(result.reasons).toEqual(['critical reply_latency High: reply_latency figures']);
  });

  it('fails on a tripped rollback threshold and cannot judge one without data', () => {
    expect(decideVerdict([sli('a', 'pass')], [rule(true)], cutoffs).reasons[0]).toMatch(/^rollback threshold tripped: dlq_growth > baseline/);
    expect(decideVerdict([sli('a', 'pass')], [rule(null)], cutoffs).verdict).toBe('cannot-judge');
  });

  it('never passes a critical SLI without data; ignores a non-critical one', () => {
    expect(decideVerdict([sli('a', 'pass'), sli('b', 'nodata', true)], [], cutoffs).verdict).toBe('cannot-judge');
    expect(decideVerdict([sli('a', 'pass'), sli('b', 'cannot-judge')], [], cutoffs).verdict).toBe('pass');
    expect(decideVerdict([sli('b', 'nodata')], [], cutoffs)).toMatchObject({ verdict: 'cannot-judge', score: null });
  });

  it('maps verdicts to exit codes, and a gate to its worst verdict', () => {
    expect(['pass', 'marginal', 'fail', 'cannot-judge'].map((v) => exitCodeOfVerdict(v as 'pass'))).toEqual([0, 1, 1, 3]);
    expect(gateVerdict([{ file: 'a', scenario: 'a', error: 'no baseline' }])).toBe('cannot-judge');
  });
});
