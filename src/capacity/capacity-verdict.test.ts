import { describe, expect, it } from 'vitest';
import type { CapacitySweep } from './capacity-report-schema.ts';
import { failoverOf, headroomOf, scalingOf, trendOf, verdictOf } from './capacity-verdict.ts';

function sweep(capacity: number | null, extra: Partial<CapacitySweep> = {}): CapacitySweep {
  return { label: 'x', stopped: [], capacity, atLeast: false, firstBad: null, stopReason: 'resolved', stopDetail: '', knee: null, concurrentSessions: null, saturated: null, steps: [], durationMs: 0, ...extra };
}

describe('capacity verdicts', () => {
  it('keeps the headroom only at peak × (1 + headroom), and says by how much it misses', () => {
    expect(headroomOf([sweep(13)], 10, 0.3, 'msg/s')).toMatchObject({ required: 13, kept: true, margin: 0 });
    const missed = headroomOf([sweep(11.7)], 10, 0.3, 'msg/s')!;
    expect(missed).toMatchObject({ kept: false, margin: -0.1 });
    expect(missed.text).toContain('misses the headroom by 10 %');
    expect(headroomOf([sweep(12)], undefined, 0.3, 'msg/s')).toBeNull();
  });

  it('judges the failover against the peak and the full pool', () => {
    const sweeps = [sweep(4), sweep(3, { stopped: ['relay-a'] })];
    expect(failoverOf(sweeps, 4, 'sessions/s')).toMatchObject({ capacity: 3, retained: 0.75, coversPeak: false });
    expect(verdictOf({ sweeps, interrupted: false, headroom: headroomOf(sweeps, 2, 0.3, 's'), failover: failoverOf(sweeps, 4, 's'), errors: [] })).toBe('missed');
    expect(verdictOf({ sweeps, interrupted: false, headroom: headroomOf(sweeps, 2, 0.3, 's'), failover: failoverOf(sweeps, 2, 's'), errors: [] })).toBe('kept');
  });

  it('gives the gain per added unit and its efficiency against the first value', () => {
    const sweeps = [1, 2, 4].map((n) => sweep(n === 4 ? 30 : 10 * n, { vary: { key: 'bot.env.WORKER_POOL_SIZE', value: String(n) } }));
    expect(scalingOf(sweeps)!.points).toEqual([
      { value: '1', capacity: 10, gainPerUnit: null, efficiency: null },
      { value: '2', capacity: 20, gainPerUnit: 10, efficiency: 1 },
      { value: '4', capacity: 30, gainPerUnit: 5, efficiency: 0.5 },
    ]);
  });

  it('says what a release lost or gained against the previous one', () => {
    expect(trendOf('0.0.6', 82, { release: '0.0.5', runId: 'r', capacity: 100 })!.text).toBe("0.0.6 lost 18 % of 0.0.5's capacity (82 vs 100)");
    expect(trendOf('0.0.6', 110, { release: '0.0.5', runId: 'r', capacity: 100 })!.change).toBe(0.1);
    expect(trendOf('0.0.6', 110, undefined)).toBeNull();
  });
});
