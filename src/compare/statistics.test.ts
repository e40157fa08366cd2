/** The hand-written tests against published reference values, and the library calls they rest on. */
import { describe, expect, it } from 'vitest';
import { bootstrapQuantileDifference } from './bootstrap-quantiles.ts';
import { exactRateTest, proportionDifferenceInterval, wilsonInterval } from './count-tests.ts';
import { mannWhitneyU } from './mann-whitney.ts';
import { quantileOf, sampleOfValues } from './weighted-sample.ts';

describe('mannWhitneyU', () => {
  it('matches scipy.stats.mannwhitneyu(method="asymptotic") on its documented example', () => {
    // scipy docs: males vs females, U1 = 17, asymptotic two-sided p = 0.11134688653314041.
    const result = mannWhitneyU(sampleOfValues([20, 11, 17, 12]), sampleOfValues([19, 22, 16, 29, 24]));
    expect(result.u).toBe(17);
    expect(result.pValue).toBeCloseTo(0.11134688653314041, 10);
  });

  it('matches scipy 1.17.1 mannwhitneyu(x, y, method="asymptotic") with ties', () => {
    // scipy 1.17.1: mannwhitneyu([1,2,2,3,4,4,4,5], [3,4,5,5,6,6,7], method='asymptotic') → U = 8.0, p = 0.021920655864769517.
    const x = sampleOfValues([1, 2, 2, 3, 4, 4, 4, 5]);
    const y = sampleOfValues([3, 4, 5, 5, 6, 6, 7]);
    const result = mannWhitneyU(y, x);
    expect(result.u).toBe(8);
    expect(result.pValue).toBeCloseTo(0.021920655864769517, 10);
  });

  it('finds nothing between a sample and itself', () => {
    const s = sampleOfValues([5, 6, 7, 7, 8, 9, 30]);
    expect(mannWhitneyU(s, s)).toMatchObject({ pValue: 1, effect: 0.5 });
  });
});

describe('exactRateTest', () => {
  it('is @stdlib binomial-test on the candidate share of events (R binom.test(682, 925, p = 3/4): p = 0.3825)', () => {
    // 682 of 925 events on the candidate side with exposures 3:1 → candidate share 0.75 under H0.
    expect(exactRateTest(243, 1, 682, 3).pValue).toBeCloseTo(0.3825, 4);
  });

  it('calls 0 against 8 duplicates out of 600 messages each a difference, 0 against 1 not', () => {
    expect(exactRateTest(0, 600, 8, 600).pValue).toBeLessThan(0.01);
    expect(exactRateTest(0, 600, 1, 600).pValue).toBe(1);
    expect(exactRateTest(0, 600, 0, 600).pValue).toBe(1);
  });
});

describe('Newcombe interval', () => {
  it('reproduces Newcombe (1998) Table II, method 10, example (a): 56/70 − 48/80 → 0.0524 to 0.3339', () => {
    const [low, high] = proportionDifferenceInterval(48, 80, 56, 70, 0.05);
    expect(low).toBeCloseTo(0.0524, 4);
    expect(high).toBeCloseTo(0.3339, 4);
  });

  it('Wilson interval of 0/10 starts at 0 (Newcombe 1998 example (e) arm)', () => {
    const [low, high] = wilsonInterval(0, 10, 0.05);
    expect(low).toBeCloseTo(0, 12);
    expect(high).toBeCloseTo(0.2775, 4);
  });
});

describe('bootstrapQuantileDifference', () => {
  const base = sampleOfValues(Array.from({ length: 2_000 }, (_, i) => 100 + (i % 50)));
  it('covers 0 for the same distribution', () => {
    const d = bootstrapQuantileDifference(base, base, 0.99, { seed: 3 });
    expect(d.low).toBeLessThanOrEqual(0);
    expect(d.high).toBeGreaterThanOrEqual(0);
  });

  it('catches a tail that moved while the median did not', () => {
    const tail = sampleOfValues(Array.from({ length: 2_000 }, (_, i) => (i % 50 === 49 ? 600 : 100 + (i % 50))));
    expect(quantileOf(tail, 0.5)).toBe(quantileOf(base, 0.5));
    const d = bootstrapQuantileDifference(base, tail, 0.99, { seed: 3 });
    expect(d.low).toBeGreaterThan(100);
    expect(mannWhitneyU(base, tail).pValue).toBeGreaterThan(0.01);
  });
});

describe('betaVariate', () => {
  it('has the mean and variance of Beta(a, b) (the k-th of n uniforms: k/(n+1))', async () => {
    const { betaVariate } = await import('./bootstrap-quantiles.ts');
    const { seededRandom } = await import('../common/random.ts');
    const random = seededRandom(11);
    const [a, b] = [95, 6];
    const draws = Array.from({ length: 20_000 }, () => betaVariate(a, b, random));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const variance = draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(a / (a + b), 3);
    expect(variance).toBeCloseTo((a * b) / ((a + b) ** 2 * (a + b + 1)), 4);
  });
});
