import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window.ts';

describe('RateWindow', () => {
  it('reports the rate since the start during the first second', () => {
    const window = new RateWindow();
    for (let t = 0; t < 500; t += 2) window.add(t);
    expect(window.ratePerSecond(500, 0)).toBe(500);
  });

  it('forgets events older than the window', () => {
    const window = new RateWindow();
    for (let t = 0; t < 2_000; t += 1) window.add(t); // 1,000/s for 2 s
    for (let t = 2_000; t < 4_000; t += 4) window.add(t); // then 250/s
    expect(window.ratePerSecond(4_000, 0)).toBeCloseTo(250, 6);
  });

  it('drops to zero after a silence longer than the window', () => {
    const window = new RateWindow();
    for (let t = 0; t < 1_000; t += 1) window.add(t);
    expect(window.ratePerSecond(5_000, 0)).toBe(0);
    window.add(5_050, 10);
    expect(window.ratePerSecond(5_100, 0)).toBe(10); // 10 events in the window 4,100..5,100 ms
  });
});
