import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.ts';
import { LatencyHistogram } from './latency-histogram.ts';

function filled(seed: number, n: number): LatencyHistogram {
  const random = seededRandom(seed);
  const histogram = new LatencyHistogram();
  for (let i = 0; i < n; i++) histogram.recordMs(random.next() < 0.98 ? random.next() * 20 : 200 + random.next() * 2_000);
  return histogram;
}

describe('LatencyHistogram', () => {
  it('reports in ms what it recorded in µs', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms++) histogram.recordMs(ms);
    expect(histogram.count).toBe(100);
    expect(histogram.minMs).toBe(1);
    expect(histogram.maxMs).toBeCloseTo(100, 1);
    expect(histogram.meanMs).toBeCloseTo(50.5, 1);
    expect(histogram.percentileMs(50)).toBeCloseTo(50, 1);
    expect(histogram.percentileMs(99)).toBeCloseTo(99, 1);
    expect(histogram.stddevMs).toBeCloseTo(28.87, 1);
  });

  it('keeps sub-millisecond values to the µs', () => {
    const histogram = new LatencyHistogram();
    histogram.recordMs(0.25);
    histogram.recordMs(0.0004);
    expect(histogram.maxMs).toBe(0.25);
    expect(histogram.minMs).toBe(0);
  });

  it('clamps values past its bounds instead of throwing', () => {
    const histogram = new LatencyHistogram({ highestUs: 10_000_000 });
    histogram.recordMs(-3);
    histogram.recordMs(60_000);
    expect(histogram.count).toBe(2);
    expect(histogram.minMs).toBe(0);
    expect(histogram.maxMs).toBeCloseTo(10_000, -1);
  });

  it('reports zeros when empty', () => {
    expect(new LatencyHistogram().summary()).toEqual({
      count: 0,
      minMs: 0,
      maxMs: 0,
      meanMs: 0,
      stddevMs: 0,
      p50Ms: 0,
      p90Ms: 0,
      p95Ms: 0,
      p99Ms: 0,
      p999Ms: 0,
    });
  });

  it('round-trips through JSON exactly', () => {
    const original = filled(7, 20_000);
    const stored = JSON.parse(JSON.stringify(original)) as unknown;
    const restored = LatencyHistogram.fromJSON(stored);
    expect(restored.summary()).toEqual(original.summary());
    for (const p of [0, 1, 12.5, 50, 75, 99.99, 100]) expect(restored.percentileMs(p)).toBe(original.percentileMs(p));
    expect(restored.toJSON()).toEqual(original.toJSON());
    expect(stored).toMatchObject({
      encoding: 'hdr-base64',
      unit: 'ms',
      scale: 1_000,
      lowest: 1,
      highest: 3_600_000_000,
      significantDigits: 3,
      count: 20_000,
    });
  });

  it('round-trips an empty histogram and custom bounds', () => {
    const empty = LatencyHistogram.fromJSON(new LatencyHistogram({ highestUs: 60_000_000, significantDigits: 2 }).toJSON());
    expect(empty.count).toBe(0);
    expect(empty.highestUs).toBe(60_000_000);
    expect(empty.significantDigits).toBe(2);
  });

  it('merges: the merge of two halves equals the histogram of the whole', () => {
    const random = seededRandom(3);
    const whole = new LatencyHistogram();
    const left = new LatencyHistogram();
    const right = new LatencyHistogram();
    for (let i = 0; i < 10_000; i++) {
      const ms = random.next() * 500;
      whole.recordMs(ms);
      (i % 2 === 0 ? left : right).recordMs(ms);
    }
    const merged = LatencyHistogram.fromJSON(left.toJSON()).merge(LatencyHistogram.fromJSON(right.toJSON()));
    expect(merged.summary()).toEqual(whole.summary());
    expect(merged.toJSON().data).toBe(whole.toJSON().data);
  });

  it('refuses to merge different bounds', () => {
    expect(() => new LatencyHistogram().merge(new LatencyHistogram({ significantDigits: 2 }))).toThrow(/different bounds/);
  });

  it('rejects a stored histogram whose count disagrees with its data', () => {
    const stored = { ...filled(1, 10).toJSON(), count: 11 };
    expect(() => LatencyHistogram.fromJSON(stored)).toThrow(/count 11/);
    expect(() => LatencyHistogram.fromJSON({ ...stored, encoding: 'json' })).toThrow();
  });
});
