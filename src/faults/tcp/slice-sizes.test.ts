import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../common/random.ts';
import { sliceSizes } from './slice-sizes.ts';

describe('sliceSizes', () => {
  it.each([
    [1_000, 64, 0],
    [65_536, 100, 40],
    [7, 1, 0],
    [10, 64, 32],
    [65_536, 1_000, 1_000],
    [5_000, 1, 1],
  ])('cuts %s bytes (average %s ± %s) into pieces that sum to the whole and stay within average + variation', (length, average, variation) => {
    const sizes = sliceSizes(length, average, variation, seededRandom(5));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(length);
    expect(sizes.every((s) => s > 0 && s <= average + variation)).toBe(true);
  });

  it('averages about `average_size` bytes a piece', () => {
    const sizes = sliceSizes(100_000, 50, 10, seededRandom(1));
    const mean = 100_000 / sizes.length;
    expect(mean).toBeGreaterThan(25);
    expect(mean).toBeLessThanOrEqual(60);
  });

  it('leaves a chunk no larger than average + variation whole, and an empty one empty', () => {
    expect(sliceSizes(80, 64, 16, seededRandom(1))).toEqual([80]);
    expect(sliceSizes(0, 64, 16, seededRandom(1))).toEqual([]);
  });
});
