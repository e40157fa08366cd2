/**
 * Tests for sparse counts, where a rank test is blind: errors, missing replies, duplicates, lease rejects,
 * handshake failures. Two counts x₁ (exposure n₁) and x₂ (exposure n₂) are compared by the exact conditional
 * test: given x₁ + x₂ events, under "same rate" x₂ is Binomial(x₁ + x₂, n₂ / (n₁ + n₂)) (the exact test of two
 * Poisson rates, R's `poisson.test(c(x2, x1), c(n2, n1))`; for rare bad events out of n trials it is also the
 * binomial test of two proportions). The binomial test is @stdlib's. The interval of a difference of two
 * proportions is Newcombe's hybrid score interval (his method 10), from two Wilson intervals.
 */
import binomialTest from '@stdlib/stats-binomial-test';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

export interface CountTestResult {
  /** Two-sided exact p-value (1 when there is no event on either side). */
  pValue: number;
}

/** `x1` events over exposure `n1` (baseline) against `x2` over `n2` (candidate); exposures are trials or seconds. */
export function exactRateTest(x1: number, n1: number, x2: number, n2: number): CountTestResult {
  if (n1 <= 0 || n2 <= 0) throw new RangeError(`exposures must be positive, got ${n1} and ${n2}`);
  const events = x1 + x2;
  if (events === 0) return { pValue: 1 };
  const result = binomialTest(Math.round(x2), Math.round(events), { p: n2 / (n1 + n2) });
  return { pValue: result.pValue };
}

/** Wilson score interval of x/n at the two-sided level 1 − alpha. */
export function wilsonInterval(x: number, n: number, alpha: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = normalQuantile(1 - alpha / 2, 0, 1);
  const p = x / n;
  const centre = p + (z * z) / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  const scale = 1 + (z * z) / n;
  return [(centre - spread) / scale, (centre + spread) / scale];
}

/** Newcombe's interval of p₂ − p₁ (candidate − baseline) for x₁/n₁ and x₂/n₂. */
export function proportionDifferenceInterval(x1: number, n1: number, x2: number, n2: number, alpha: number): [number, number] {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilsonInterval(x1, n1, alpha);
  const [l2, u2] = wilsonInterval(x2, n2, alpha);
  const d = p2 - p1;
  const low = d - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2);
  const high = d + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2);
  return [low, high];
}

/** Normal-approximation interval of the difference of two Poisson rates per unit of exposure (x₂/n₂ − x₁/n₁). */
export function rateDifferenceInterval(x1: number, n1: number, x2: number, n2: number, alpha: number): [number, number] {
  const z = normalQuantile(1 - alpha / 2, 0, 1);
  const d = x2 / n2 - x1 / n1;
  // Half a count added on each side so an interval exists when a side counted nothing.
  const se = Math.sqrt((x1 + 0.5) / (n1 * n1) + (x2 + 0.5) / (n2 * n2));
  return [d - z * se, d + z * se];
}
