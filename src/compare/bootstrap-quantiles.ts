/**
 * Percentile bootstrap of the difference of a quantile between two samples (candidate − baseline). A resample
 * of n values drawn with replacement from the empirical distribution is F⁻¹(U₁) … F⁻¹(Uₙ) for n uniforms, so its
 * k-th smallest value is F⁻¹(U₍ₖ₎), and the k-th order statistic of n uniforms is Beta(k, n − k + 1): each
 * resample's quantile costs one Beta draw and one lookup instead of n draws, exactly the same bootstrap
 * distribution. Hand-written: no JavaScript package bootstraps from histograms. Seeded, so a comparison is
 * replayable.
 */
import { seededRandom, type Random } from '../common/random.ts';
import { quantileOf, type WeightedSample } from './weighted-sample.ts';

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
}

export function bootstrapQuantileDifference(baseline: WeightedSample, candidate: WeightedSample, q: number, options: BootstrapOptions = {}): QuantileDifference {
  const resamples = options.resamples ?? 1_000;
  const alpha = options.alpha ?? 0.01;
  const random = seededRandom(options.seed ?? 1);
  const a = resampledQuantile(baseline, q, random);
  const b = resampledQuantile(candidate, q, random);
  const differences = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) differences[r] = b() - a();
  differences.sort();
  const at = (p: number) => differences[Math.min(resamples - 1, Math.max(0, Math.floor(p * resamples)))]!;
  const base = quantileOf(baseline, q);
  const cand = quantileOf(candidate, q);
  return { q, baseline: base, candidate: cand, difference: cand - base, low: at(alpha / 2), high: at(1 - alpha / 2) };
}

/** A draw of the q-quantile (nearest rank) of a bootstrap resample of `sample`. */
function resampledQuantile(sample: WeightedSample, q: number, random: Random): () => number {
  const n = sample.total;
  const k = Math.max(1, Math.ceil(q * n));
  const cumulative = new Float64Array(sample.counts.length);
  let sum = 0;
  sample.counts.forEach((c, i) => (cumulative[i] = sum += c));
  return () => {
    const u = betaVariate(k, n - k + 1, random);
    return sample.values[upperBound(cumulative, u * n)]!;
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

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function betaVariate(a: number, b: number, random: Random): number {
  const x = gammaVariate(a, random);
  const y = gammaVariate(b, random);
  return x / (x + y);
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000), shape ≥ 1 (order-statistic shapes are integers ≥ 1). */
function gammaVariate(shape: number, random: Random): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalVariate(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Standard normal by Box-Muller. */
function normalVariate(random: Random): number {
  const u = 1 - random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}
