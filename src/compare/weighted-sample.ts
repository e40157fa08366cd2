/**
 * A latency distribution as the histogram gives it back: sorted distinct values (ms) with their counts.
 * The rank test and the bootstrap work on this form, so a run of 100 000 replies costs as much as its
 * few hundred distinct bucket values.
 */
import { LatencyHistogram } from '../load/latency-histogram.ts';

export interface WeightedSample {
  /** Distinct values, ascending, ms. */
  values: number[];
  /** How many samples hold each value. */
  counts: number[];
  total: number;
}

/** Reads the bucket values of a stored histogram (each value is the bucket's highest equivalent value, ms). */
export function sampleOfHistogram(histogram: LatencyHistogram): WeightedSample {
  const values: number[] = [];
  const counts: number[] = [];
  for (const bucket of histogram.buckets()) {
    values.push(bucket.valueMs);
    counts.push(bucket.count);
  }
  return { values, counts, total: counts.reduce((a, b) => a + b, 0) };
}

export function sampleOfValues(raw: readonly number[]): WeightedSample {
  const byValue = new Map<number, number>();
  for (const v of raw) byValue.set(v, (byValue.get(v) ?? 0) + 1);
  const values = [...byValue.keys()].sort((a, b) => a - b);
  const counts = values.map((v) => byValue.get(v)!);
  return { values, counts, total: raw.length };
}

/** Value at quantile `q` (0..1) by the nearest-rank rule, as HdrHistogram reports percentiles. */
export function quantileOf(sample: WeightedSample, q: number): number {
  return quantileOfCounts(sample.values, sample.counts, sample.total, q);
}

export function quantileOfCounts(values: readonly number[], counts: ArrayLike<number>, total: number, q: number): number {
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return values[i]!;
  }
  return values.at(-1)!;
}
