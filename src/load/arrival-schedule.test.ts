import { describe, expect, it } from 'vitest';
import { loadSchema } from '../scenario/load-schema.ts';
import { arrivalOffsets, arrivalSchedule, constantArrivalSchedule, rampingArrivalSchedule } from './arrival-schedule.ts';

describe('constantArrivalSchedule', () => {
  it('starts at 0 and spaces arrivals by timeUnit / rate', () => {
    const schedule = constantArrivalSchedule(4, 1_000, 1_000);
    expect(schedule.count).toBe(4);
    expect([...arrivalOffsets(schedule)]).toEqual([0, 250, 500, 750]);
  });

  it('counts exactly rate × duration / timeUnit when that is whole, despite float error', () => {
    // 0.1 per ms for 30 ms is 3.0000000000000004 arrivals in floats.
    expect(constantArrivalSchedule(0.1, 1, 30).count).toBe(3);
    expect(constantArrivalSchedule(20_000, 1_000, 5_000).count).toBe(100_000);
    expect(constantArrivalSchedule(3, 60_000, 3_600_000).count).toBe(180);
  });

  it('rounds a partial last interval up: the arrival at its start is inside the duration', () => {
    const schedule = constantArrivalSchedule(10, 1_000, 250);
    expect([...arrivalOffsets(schedule)]).toEqual([0, 100, 200]);
  });

  it('computes each time from the index, so late arrivals do not drift', () => {
    const schedule = constantArrivalSchedule(3, 1_000, 3_600_000);
    expect(schedule.offsetMs(10_799)).toBeCloseTo(3_599_666.667, 3);
    expect(schedule.offsetMs(10_799)).toBeLessThan(schedule.durationMs);
  });

  it('reports its target rate per second while it runs', () => {
    const schedule = constantArrivalSchedule(30, 60_000, 10_000);
    expect(schedule.ratePerSecondAt(5_000)).toBe(0.5);
    expect(schedule.ratePerSecondAt(10_000)).toBe(0);
  });

  it('rejects a zero rate', () => {
    expect(() => constantArrivalSchedule(0, 1_000, 1_000)).toThrow(RangeError);
  });
});

describe('rampingArrivalSchedule', () => {
  it('holds a flat stage like a constant rate, first arrival one interval in (k6)', () => {
    const schedule = rampingArrivalSchedule(2, 1_000, [{ target: 2, duration: 5_000 }]);
    expect(schedule.count).toBe(10);
    expect([...arrivalOffsets(schedule)]).toEqual([500, 1_000, 1_500, 2_000, 2_500, 3_000, 3_500, 4_000, 4_500, 5_000]);
  });

  it('places arrivals where the area under a linear ramp reaches each whole number', () => {
    // 0 → 100/s over 10 s: area n at t = √(2n · 10 s / 100/s) = √(0.2 n) s.
    const schedule = rampingArrivalSchedule(0, 1_000, [{ target: 100, duration: 10_000 }]);
    expect(schedule.count).toBe(500);
    for (const n of [1, 5, 20, 125, 500]) expect(schedule.offsetMs(n - 1)).toBeCloseTo(Math.sqrt(0.2 * n) * 1_000, 6);
  });

  it('carries a partial arrival from one stage into the next (the example in k6 cal)', () => {
    // 2/s flat for 5 s (10 arrivals), then 2 → 3/s over 5 s (12.5 more): 22 in all.
    const schedule = rampingArrivalSchedule(2, 1_000, [
      { target: 2, duration: 5_000 },
      { target: 3, duration: 5_000 },
    ]);
    expect(schedule.count).toBe(22);
    // Arrival 12 is area 2 into the ramp: 2x + 0.1x² = 2 → x = (−2 + √4.8) / 0.2 s.
    expect(schedule.offsetMs(11)).toBeCloseTo(5_000 + ((-2 + Math.sqrt(4.8)) / 0.2) * 1_000, 6);
  });

  it('ramps down to zero and skips idle stages', () => {
    const schedule = rampingArrivalSchedule(0, 1_000, [
      { target: 10, duration: 2_000 },
      { target: 0, duration: 2_000 },
      { target: 0, duration: 5_000 },
      { target: 6, duration: 1_000 },
    ]);
    expect(schedule.count).toBe(23);
    expect(schedule.durationMs).toBe(10_000);
    const offsets = arrivalOffsets(schedule);
    expect(offsets[19]).toBeCloseTo(4_000, 6); // the 20th arrival closes the ramp down, not the idle stage
    expect(offsets[20]).toBeGreaterThan(9_000);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]).toBeGreaterThanOrEqual(offsets[i - 1]!);
  });

  it('interpolates the target rate and honours timeUnit', () => {
    const schedule = rampingArrivalSchedule(60, 60_000, [{ target: 120, duration: 60_000 }]);
    expect(schedule.count).toBe(90);
    expect(schedule.ratePerSecondAt(30_000)).toBeCloseTo(1.5, 12);
  });

  it('counts a large ramp exactly', () => {
    const schedule = rampingArrivalSchedule(1_000, 1_000, [
      { target: 5_000, duration: 30_000 },
      { target: 5_000, duration: 60_000 },
    ]);
    expect(schedule.count).toBe(90_000 + 300_000);
    expect(schedule.offsetMs(schedule.count - 1)).toBeCloseTo(90_000, 6);
  });
});

describe('arrivalSchedule', () => {
  it('builds the schedule a parsed load spec describes', () => {
    const spec = loadSchema.parse({ executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '2s' });
    expect(arrivalSchedule(spec).count).toBe(100);
    const ramp = loadSchema.parse({ executor: 'ramping-arrival-rate', stages: [{ target: 100, duration: '10s' }] });
    expect(arrivalSchedule(ramp).count).toBe(500);
  });
});
