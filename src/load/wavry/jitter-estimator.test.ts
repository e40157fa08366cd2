import { describe, expect, it } from 'vitest';
import { JitterEstimator } from './jitter-estimator.ts';

describe('JitterEstimator', () => {
  it('is zero for constant transit and needs two packets', () => {
    const jitter = new JitterEstimator();
    jitter.add(0, 5);
    expect(jitter.jitterMs).toBeUndefined();
    for (let i = 1; i < 10; i++) jitter.add(i * 20, i * 20 + 5);
    expect(jitter.jitterMs).toBe(0);
  });

  it('follows the RFC 3550 recursion', () => {
    const jitter = new JitterEstimator();
    // Transit alternates 5 and 15 ms: |D| = 10 every packet, so J → 10 as 10·(1 − (15/16)^n).
    for (let i = 0; i < 200; i++) jitter.add(i * 20, i * 20 + (i % 2 === 0 ? 5 : 15));
    expect(jitter.jitterMs).toBeCloseTo(10 * (1 - (15 / 16) ** 199), 6);
    const short = new JitterEstimator();
    short.add(0, 10);
    short.add(20, 26);
    expect(short.jitterMs).toBeCloseTo(4 / 16, 9);
  });
});
