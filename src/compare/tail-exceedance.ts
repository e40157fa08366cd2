/**
 * The tail test of a latency SLI: the share of values slower than the pooled baseline's p99, baseline against
 * candidate, by the exact conditional binomial test (`count-tests.ts`). A fatter tail that leaves the median where
 * it was (one reply in 25 slower) moves only the few values a p99 estimate rests on, so its bootstrap interval
 * stays wide on a short run; it moves many of this count (1 % of the baseline's values above its p99, 4–5 % of
 * the candidate's). The share of each baseline run shows how far the machine's load alone moves it, and that
 * spread is the floor, as for the other figures of a trend.
 */
import { exactRateTest } from './count-tests.ts';
import { quantileOf, type WeightedSample } from './weighted-sample.ts';

export interface TailExceedance {
  /** The baseline's pooled p99, ms: values above it count. */
  thresholdMs: number;
  /** Share of the baseline's values above the threshold (0..1). */
  baseline: number;
  candidate: number;
  pValue: number;
  /** Smallest difference of the shares that counts (0..1). */
  floor: number;
  /** Significant and beyond the floor: the candidate's tail is heavier (`up`) or lighter (`down`). */
  beyond: 'up' | 'down' | undefined;
}

/** Smallest rise of the share above p99 that counts: the baseline's own 1 % doubled. */
export const TAIL_SHARE_FLOOR = 0.01;

export function tailExceedance(
  base: WeightedSample,
  baseRuns: readonly WeightedSample[],
  cand: WeightedSample,
  options: { alpha: number; spreadFloor: (values: readonly number[]) => number },
): TailExceedance {
  const thresholdMs = quantileOf(base, 0.99);
  const above = (s: WeightedSample) => s.values.reduce((sum, v, i) => (v > thresholdMs ? sum + s.counts[i]! : sum), 0);
  const x1 = above(base);
  const x2 = above(cand);
  const p1 = x1 / base.total;
  const p2 = x2 / cand.total;
  const floor = Math.max(TAIL_SHARE_FLOOR, options.spreadFloor(baseRuns.map((r) => above(r) / r.total)));
  const { pValue } = exactRateTest(x1, base.total, x2, cand.total);
  const significant = pValue < options.alpha && Math.abs(p2 - p1) > floor;
  return { thresholdMs, baseline: p1, candidate: p2, pValue, floor, beyond: significant ? (p2 > p1 ? 'up' : 'down') : undefined };
}
