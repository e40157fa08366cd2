import { describe, expect, it } from 'vitest';
import { RecentKeys } from './recent-keys.ts';

describe('RecentKeys', () => {
  it('stays at its capacity after many more insertions and still knows the latest keys', () => {
    const keys = new RecentKeys({ capacity: 1_000, retentionMs: 1e12 });
    for (let i = 0; i < 200_000; i++) keys.add(`k${i}`, i);
    expect(keys.size).toBe(1_000);
    expect(keys.has('k199999', 200_000)).toBe(true);
    expect(keys.has('k199000', 200_000)).toBe(true);
    // Pushed out by the capacity.
    expect(keys.has('k198999', 200_000)).toBe(false);
    expect(keys.has('k0', 200_000)).toBe(false);
  });

  it('forgets keys older than the retention, so a steady stream holds only one retention of keys', () => {
    const keys = new RecentKeys({ capacity: 1_000_000, retentionMs: 1_000 });
    // 200 keys a second for ten minutes.
    for (let i = 0; i < 120_000; i++) keys.add(`k${i}`, i * 5);
    expect(keys.size).toBeLessThanOrEqual(201);
    const nowMs = 119_999 * 5;
    expect(keys.has('k119999', nowMs)).toBe(true);
    expect(keys.has(`k${119_999 - 200}`, nowMs)).toBe(true);
    expect(keys.has(`k${119_999 - 201}`, nowMs)).toBe(false);
  });

  it('treats a key added again as new: it is kept from its last addition', () => {
    const keys = new RecentKeys({ capacity: 2, retentionMs: 100 });
    keys.add('a', 0);
    keys.add('b', 10);
    keys.add('a', 20);
    keys.add('c', 30);
    expect(keys.has('a', 30)).toBe(true);
    expect(keys.has('b', 30)).toBe(false);
    expect(keys.has('a', 121)).toBe(false);
  });

  it('refuses a capacity or retention that would keep nothing', () => {
    expect(() => new RecentKeys({ capacity: 0, retentionMs: 1 })).toThrow(RangeError);
    expect(() => new RecentKeys({ capacity: 1, retentionMs: 0 })).toThrow(RangeError);
  });
});
