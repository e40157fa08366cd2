/**
 * Percentile bootstrap of the difference of a quantile between two samples (candidate − baseline), each
 * resampled with replacement from its weighted sample. A resample is drawn as counts over the distinct
 * values (binary search on the cumulative counts), so its quantile needs no sort. Hand-written: no
 * JavaScript package bootstraps from histograms. Seeded, so a comparison is replayable.
 */
import { seededRandom, type Random } from '../common/random.ts';
import { quantileOf, quantileOfCounts, type WeightedSample } from './weighted-sample.ts';

export interface QuantileDifference {
  /** Quantile, 0..1. */
  q: number;
  baseline: number;
  candidate: number;
  /** candidate − baseline. */
  difference: number;
  /** Bounds of the (1 − alpha) percentile-bootstrap interval of the difference. */
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples?: number;
  /** Two-sided level: the interval covers 1 − alpha. */
  alpha?: number;
  seed?: number;
  /** A side with more samples than this is resampled at this size (the interval then is slightly wider), for speed. */
  maxResampleSize?: number;
}

export function bootstrapQuantileDifference(baseline: WeightedSample, candidate: WeightedSample, q: number, options: BootstrapOptions = {}): QuantileDifference {
  const resamples = options.resamples ?? 1_000;
  const alpha = options.alpha ?? 0.01;
  const random = seededRandom(options.seed ?? 1);
  const cap = options.maxResampleSize ?? 20_000;
  const differences = new Float64Array(resamples);
  const a = resampler(baseline, Math.min(baseline.total, cap), random);
  const b = resampler(candidate, Math.min(candidate.total, cap), random);
  for (let r = 0; r < resamples; r++) differences[r] = b(q) - a(q);
  differences.sort();
  const at = (p: number) => differences[Math.min(resamples - 1, Math.max(0, Math.floor(p * resamples)))]!;
  const base = quantileOf(baseline, q);
  const cand = quantileOf(candidate, q);
  return { q, baseline: base, candidate: cand, difference: cand - base, low: at(alpha / 2), high: at(1 - alpha / 2) };
}

function resampler(sample: WeightedSample, size: number, random: Random): (q: number) => number {
  const cumulative = new Float64Array(sample.counts.length);
  let sum = 0;
  sample.counts.forEach((c, i) => (cumulative[i] = sum += c));
  const counts = new Float64Array(sample.counts.length);
  return (q) => {
    counts.fill(0);
    for (let k = 0; k < size; k++) {
      const index = upperBound(cumulative, random.next() * sum);
      counts[index] = counts[index]! + 1;
    }
    return quantileOfCounts(sample.values, counts, size, q);
  };
}

/** First index whose cumulative count exceeds `x`. */
function upperBound(cumulative: Float64Array, x: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
