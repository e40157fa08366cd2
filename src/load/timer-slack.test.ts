import { describe, expect, it } from 'vitest';
import { ADAPTIVE_BATCH, MAX_TIMER_SLACK_MS, MIN_TIMER_SLACK_MS, adaptiveTimerSlackMs } from './timer-slack.ts';

describe('adaptiveTimerSlackMs', () => {
  it('spans one batch of arrivals between the bounds', () => {
    // 1,000 a second: twelve arrivals 1 ms apart span 11 ms.
    expect(adaptiveTimerSlackMs(1_000)).toBeCloseTo(((ADAPTIVE_BATCH - 1) * 1_000) / 1_000, 9);
    expect(adaptiveTimerSlackMs(2_000)).toBeCloseTo(5.5, 9);
  });

  it('never goes below the minimum at high rates nor above the maximum at low ones', () => {
    expect(adaptiveTimerSlackMs(20_000)).toBe(MIN_TIMER_SLACK_MS);
    expect(adaptiveTimerSlackMs(100)).toBe(MAX_TIMER_SLACK_MS);
    expect(adaptiveTimerSlackMs(0)).toBe(MAX_TIMER_SLACK_MS);
    expect(adaptiveTimerSlackMs(Number.NaN)).toBe(MAX_TIMER_SLACK_MS);
  });
});
