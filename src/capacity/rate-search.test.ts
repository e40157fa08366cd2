import { describe, expect, it } from 'vitest';
import { kneeOf } from './knee.ts';
import { RateSearch } from './rate-search.ts';

/** Runs a search against a stack that holds every rate up to `limit`. */
function sweep(limit: number, spec: ConstructorParameters<typeof RateSearch>[0], saturates = false) {
  const search = new RateSearch(spec);
  const tried: number[] = [];
  for (let next = search.next(); next; next = search.next()) {
    tried.push(next.rate);
    // A saturated stack completes `limit` arrivals per second whatever is offered.
    search.record(next.rate, next.rate <= limit, saturates ? Math.min(next.rate, limit) : undefined);
  }
  return { tried, good: search.good, bad: search.bad, end: search.end };
}

describe('RateSearch', () => {
  it('steps up by the factor, then bisects to the resolution', () => {
    const result = sweep(20, { start: 5, factor: 2, max: 1_000, resolution: 0.05 });
    expect(result.tried.slice(0, 3)).toEqual([5, 10, 20]);
    expect(result.tried[3]).toBe(40);
    expect(result.end).toBe('resolved');
    expect(result.good).toBeLessThanOrEqual(20);
    expect(result.bad! / result.good! - 1).toBeLessThanOrEqual(0.05);
    expect(result.good! / 20).toBeGreaterThan(0.95);
  });

  it('probes the throughput a failing step achieved, then one resolution above it', () => {
    const result = sweep(8, { start: 3, factor: 2, max: 1_000, resolution: 0.05 }, true);
    expect(result.tried).toEqual([3, 6, 12, 8, 8.4]);
    expect(result).toMatchObject({ good: 8, bad: 8.4, end: 'resolved' });
  });

  it('steps by an increment when given one', () => {
    expect(sweep(12, { start: 4, increment: 4, max: 100, resolution: 0.1 }).tried.slice(0, 4)).toEqual([4, 8, 12, 16]);
  });

  it('ends at max when every rate holds, and below start when the first one breaks', () => {
    expect(sweep(1_000, { start: 10, factor: 3, max: 50, resolution: 0.05 })).toMatchObject({ tried: [10, 30, 50], end: 'max-rate', good: 50 });
    expect(sweep(1, { start: 10, factor: 2, max: 50, resolution: 0.05 })).toMatchObject({ tried: [10], end: 'below-start', good: undefined });
  });
});

describe('kneeOf', () => {
  it('is the last rate before p99 grows faster than the rate', () => {
    const flat = [
      { rate: 4, p99Ms: 250 },
      { rate: 8, p99Ms: 255 },
      { rate: 12, p99Ms: 270 },
      { rate: 14, p99Ms: 900 },
    ];
    expect(kneeOf(flat)).toBe(12);
  });

  it('is null on a linear curve and ignores noise on a flat one', () => {
    expect(kneeOf([1, 2, 3, 4].map((r) => ({ rate: r, p99Ms: 100 * r })))).toBeNull();
    expect(kneeOf([{ rate: 7.5, p99Ms: 260 }, { rate: 7.8, p99Ms: 275 }])).toBeNull();
  });
});
