/**
 * Mann-Whitney U test of two weighted samples (values with counts), normal approximation with the tie
 * correction and a continuity correction, as scipy's `mannwhitneyu(method="asymptotic")` and R's
 * `wilcox.test(exact = FALSE, correct = TRUE)` compute it. Written here because the histogram gives back
 * bucket values with counts, and no JavaScript statistics package ranks weighted samples; the normal
 * distribution comes from @stdlib.
 */
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import type { WeightedSample } from './weighted-sample.ts';

export interface MannWhitneyResult {
  /** U of the candidate (second) sample: how often a candidate value exceeds a baseline value (ties count half). */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  /** U / (n1·n2): the probability that a candidate value exceeds a baseline value, 0.5 when they are alike. */
  effect: number;
}

/** Two-sided test of `candidate` against `baseline`; throws when either sample is empty. */
export function mannWhitneyU(baseline: WeightedSample, candidate: WeightedSample): MannWhitneyResult {
  const n1 = baseline.total;
  const n2 = candidate.total;
  if (n1 === 0 || n2 === 0) throw new RangeError('the Mann-Whitney test needs at least one value on each side');
  const { rankSum2, tieTerm } = rankCandidate(baseline, candidate);
  const u = rankSum2 - (n2 * (n2 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, pValue: 1, effect: u / (n1 * n2) };
  const z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  const pValue = Math.min(1, 2 * (1 - normalCdf(Math.max(z, 0), 0, 1)));
  return { u, pValue, effect: u / (n1 * n2) };
}

/** Merges both samples in value order: the candidate's rank sum (mid-ranks for ties) and Σ(t³ − t) over tie groups. */
function rankCandidate(a: WeightedSample, b: WeightedSample): { rankSum2: number; tieTerm: number } {
  let i = 0;
  let j = 0;
  let below = 0;
  let rankSum2 = 0;
  let tieTerm = 0;
  while (i < a.values.length || j < b.values.length) {
    const va = i < a.values.length ? a.values[i]! : Number.POSITIVE_INFINITY;
    const vb = j < b.values.length ? b.values[j]! : Number.POSITIVE_INFINITY;
    const value = Math.min(va, vb);
    const ca = va === value ? a.counts[i++]! : 0;
    const cb = vb === value ? b.counts[j++]! : 0;
    const t = ca + cb;
    const midRank = below + (t + 1) / 2;
    rankSum2 += cb * midRank;
    tieTerm += t * t * t - t;
    below += t;
  }
  return { rankSum2, tieTerm };
}
