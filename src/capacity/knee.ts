/**
 * The knee of the latency curve: where p99 starts rising faster than linearly with the offered rate. With the
 * steps sorted by rate, it is the lowest step rate r_i whose next step's p99 grew more than proportionally to the
 * rate (p99_{i+1} / p99_i > r_{i+1} / r_i, an elasticity above 1, which a straight line through the origin or
 * any line with a positive intercept never has) and by at least `minRise` (10 %, so noise on a flat curve does not count).
 */
export interface LatencyPoint {
  /** Offered rate, arrivals per second. */
  rate: number;
  p99Ms: number | null;
}

export const KNEE_MIN_RISE = 0.1;

export function kneeOf(points: readonly LatencyPoint[], minRise = KNEE_MIN_RISE): number | null {
  const sorted = points
    .filter((p): p is { rate: number; p99Ms: number } => p.p99Ms !== null && p.p99Ms > 0 && p.rate > 0)
    .sort((a, b) => a.rate - b.rate);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const here = sorted[i]!;
    const next = sorted[i + 1]!;
    const latencyRatio = next.p99Ms / here.p99Ms;
    if (latencyRatio > next.rate / here.rate && latencyRatio >= 1 + minRise) return here.rate;
  }
  return null;
}
