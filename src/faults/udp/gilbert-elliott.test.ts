import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../common/random.ts';
import { GilbertElliottLoss } from './gilbert-elliott.ts';

function sample(probability: number, correlation: number, n: number, seed = 1): boolean[] {
  const model = new GilbertElliottLoss(seededRandom(seed), probability, correlation);
  return Array.from({ length: n }, () => model.next());
}

function lossRate(losses: boolean[]): number {
  return losses.filter(Boolean).length / losses.length;
}

/** Lag-1 autocorrelation of the loss indicator. */
function lag1(losses: boolean[]): number {
  const x = losses.map(Number);
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i]! - mean) ** 2;
    if (i > 0) num += (x[i]! - mean) * (x[i - 1]! - mean);
  }
  return num / den;
}

function meanBurst(losses: boolean[]): number {
  let bursts = 0;
  losses.forEach((lost, i) => lost && !losses[i - 1] && bursts++);
  return losses.filter(Boolean).length / bursts;
}

describe('GilbertElliottLoss', () => {
  it.each([
    [0.05, 0],
    [0.05, 0.5],
    [0.2, 0.9],
    [0.5, 0.3],
  ])('loses a share `probability`=%s in the long run at correlation %s', (probability, correlation) => {
    const losses = sample(probability, correlation, 200_000);
    expect(lossRate(losses)).toBeCloseTo(probability, 2);
  });

  it.each([0, 0.5, 0.9])('has lag-1 autocorrelation equal to `correlation`=%s', (correlation) => {
    expect(lag1(sample(0.1, correlation, 200_000))).toBeCloseTo(correlation, 1);
  });

  it('makes longer bursts as correlation grows: mean burst 1/((1-π)(1-ρ))', () => {
    expect(meanBurst(sample(0.1, 0, 100_000))).toBeCloseTo(1 / 0.9, 1);
    expect(meanBurst(sample(0.1, 0.8, 100_000))).toBeCloseTo(1 / (0.9 * 0.2), 0);
  });

  it('never loses at probability 0 and always loses at probability 1', () => {
    expect(sample(0, 0.5, 1_000).some(Boolean)).toBe(false);
    expect(sample(1, 0.5, 1_000).every(Boolean)).toBe(true);
  });

  it('replays the same losses from the same seed', () => {
    expect(sample(0.3, 0.4, 500, 9)).toEqual(sample(0.3, 0.4, 500, 9));
  });
});
