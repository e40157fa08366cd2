/**
 * k6's execution segments for N runners, as k6-operator passes them to runner i (1-based):
 * `--execution-segment=(i-1)/N:i/N --execution-segment-sequence=0,1/N,…,1`. Each runner runs its fraction of every
 * scenario's rate and VUs; the fractions add up to the whole test.
 */
export interface ExecutionSegment {
  /** 1-based runner index, as k6-operator numbers its runner jobs (`<name>-<index>`). */
  runner: number;
  /** `from:to` as k6 reads it, e.g. `1/3:2/3`. */
  segment: string;
  /** [numerator, denominator] of the segment's start and end. */
  from: [number, number];
  to: [number, number];
}

const point = (i: number, n: number) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`);

export function executionSegments(parallelism: number): { sequence: string; segments: ExecutionSegment[] } {
  if (!Number.isInteger(parallelism) || parallelism < 1) throw new RangeError(`parallelism must be a positive integer, got ${parallelism}`);
  const sequence = Array.from({ length: parallelism + 1 }, (_, i) => point(i, parallelism)).join(',');
  const segments = Array.from({ length: parallelism }, (_, k) => ({
    runner: k + 1,
    segment: `${point(k, parallelism)}:${point(k + 1, parallelism)}`,
    from: [k, parallelism] as [number, number],
    to: [k + 1, parallelism] as [number, number],
  }));
  return { sequence, segments };
}

/** The segment's share of the whole, 0..1. */
export function segmentLength(segment: ExecutionSegment): number {
  return segment.to[0] / segment.to[1] - segment.from[0] / segment.from[1];
}
