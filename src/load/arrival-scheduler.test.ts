import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock.ts';
import { constantArrivalSchedule, rampingArrivalSchedule } from './arrival-schedule.ts';
import { DEFAULT_TIMER_SLACK_MS } from './arrival-run.ts';
import { ArrivalScheduler, type Arrival } from './arrival-scheduler.ts';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Moves the clock forward in steps, letting the scheduler run after each. */
async function advance(clock: ManualClock, totalMs: number, stepMs = 1): Promise<void> {
  for (let moved = 0; moved < totalMs; moved += stepMs) {
    clock.advance(Math.min(stepMs, totalMs - moved));
    await flush();
  }
}

/** A fire callback whose arrivals stay in flight until released. */
function heldArrivals(clock: ManualClock) {
  const started: { arrival: Arrival; atMs: number; stop: AbortSignal }[] = [];
  const releases: (() => void)[] = [];
  const fire = (arrival: Arrival, stop: AbortSignal) => {
    started.push({ arrival, atMs: clock.nowMs(), stop });
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseAll = () => releases.splice(0).forEach((release) => release());
  return { started, fire, releaseAll };
}

describe('ArrivalScheduler', () => {
  it('starts each arrival at its intended time, with no lag when the clock is exact', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const run = new ArrivalScheduler(constantArrivalSchedule(10, 1_000, 1_000), { maxVUs: 100, gracefulStopMs: 5_000, timerSlackMs: 0, clock }).start(
      held.fire,
    );
    await advance(clock, 1_000);
    expect(held.started.map((s) => s.atMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    expect(held.started.map((s) => s.arrival.intendedAtMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    held.releaseAll();
    const report = await run.finished();
    expect(report).toMatchObject({ scheduled: 10, arrivals: 10, dropped: 0, interrupted: 0, stoppedEarly: false });
    expect(report.lag.maxMs).toBe(0);
  });

  it('starts the arrivals due within the timer slack in the same wake-up, early, and wakes no more often', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    let wakeUps = 0;
    const fire = (arrival: Arrival, stop: AbortSignal) => {
      if (held.started.at(-1)?.atMs !== clock.nowMs()) wakeUps++;
      return held.fire(arrival, stop);
    };
    // 1,000 a second for 20 ms: one arrival due every millisecond.
    const run = new ArrivalScheduler(constantArrivalSchedule(1_000, 1_000, 20), { maxVUs: 100, gracefulStopMs: 1_000, timerSlackMs: 4, clock }).start(fire);
    await advance(clock, 20);
    expect(held.started.map((s) => s.atMs)).toEqual([0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10, 10, 10, 15, 15, 15, 15, 15]);
    expect(held.started.every((s) => s.arrival.intendedAtMs - s.atMs <= 4 && s.arrival.intendedAtMs >= s.atMs)).toBe(true);
    expect(wakeUps).toBe(4);
    held.releaseAll();
    const report = await run.finished();
    expect(report).toMatchObject({ arrivals: 20, dropped: 0 });
    // Early starts are not lag.
    expect(report.lag.maxMs).toBe(0);
  });

  it('by default starts the arrivals due within 12 ms in one wake-up: thirteen at 1,000 a second', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const wakeUpsAt = new Set<number>();
    const fire = (arrival: Arrival, stop: AbortSignal) => {
      wakeUpsAt.add(clock.nowMs());
      return held.fire(arrival, stop);
    };
    const run = new ArrivalScheduler(constantArrivalSchedule(1_000, 1_000, 52), { maxVUs: 100, gracefulStopMs: 1_000, clock }).start(fire);
    await advance(clock, 52);
    expect([...wakeUpsAt]).toEqual([0, 13, 26, 39]);
    expect(held.started).toHaveLength(52);
    expect(held.started.every((s) => s.arrival.intendedAtMs - s.atMs <= DEFAULT_TIMER_SLACK_MS && s.arrival.intendedAtMs >= s.atMs)).toBe(true);
    held.releaseAll();
    expect((await run.finished()).lag.maxMs).toBe(0);
  });

  it('with the default slack still starts sparse arrivals at their intended time, never early', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const run = new ArrivalScheduler(constantArrivalSchedule(20, 1_000, 500), { maxVUs: 100, gracefulStopMs: 1_000, clock }).start(held.fire);
    await advance(clock, 500);
    expect(held.started.map((s) => s.atMs)).toEqual(held.started.map((s) => s.arrival.intendedAtMs));
    expect(held.started).toHaveLength(10);
    held.releaseAll();
    await run.finished();
  });

  it('keeps starting arrivals while earlier ones are unfinished (open model)', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const run = new ArrivalScheduler(constantArrivalSchedule(100, 1_000, 500), { maxVUs: 1_000, gracefulStopMs: 1_000, clock }).start(
      held.fire,
    );
    await advance(clock, 500);
    expect(held.started).toHaveLength(50);
    expect(run.progress()).toMatchObject({ inFlight: 50, started: 50, dropped: 0 });
    held.releaseAll();
    expect((await run.finished()).arrivals).toBe(50);
  });

  it('drops and counts arrivals due while maxVUs are in flight, then resumes', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const run = new ArrivalScheduler(constantArrivalSchedule(10, 1_000, 1_000), { maxVUs: 3, gracefulStopMs: 1_000, clock }).start(
      held.fire,
    );
    await advance(clock, 550, 10);
    expect(held.started.map((s) => s.arrival.index)).toEqual([0, 1, 2]);
    expect(run.progress().dropped).toBe(3);
    held.releaseAll();
    await advance(clock, 450, 10);
    held.releaseAll();
    const report = await run.finished();
    expect(held.started.map((s) => s.arrival.index)).toEqual([0, 1, 2, 6, 7, 8]);
    expect(report).toMatchObject({ arrivals: 6, dropped: 4 });
    expect(report.arrivals + report.dropped).toBe(report.scheduled);
  });

  it('after a stall, starts every overdue arrival at once and records how late each was', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const run = new ArrivalScheduler(constantArrivalSchedule(10, 1_000, 1_000), { maxVUs: 100, gracefulStopMs: 1_000, clock }).start(
      held.fire,
    );
    await flush();
    clock.advance(450); // the loop sleeps through 100..400
    await flush();
    expect(held.started.map((s) => s.atMs)).toEqual([0, 450, 450, 450, 450]);
    await advance(clock, 550);
    held.releaseAll();
    const report = await run.finished();
    expect(report.arrivals).toBe(10);
    expect(report.lag.maxMs).toBeCloseTo(350, 0);
    expect(report.lag.percentileMs(50)).toBe(0);
  });

  it('waits for arrivals in flight after the last one, up to the graceful stop', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const run = new ArrivalScheduler(constantArrivalSchedule(4, 1_000, 1_000), { maxVUs: 10, gracefulStopMs: 2_000, clock }).start(
      held.fire,
    );
    await advance(clock, 1_000, 50);
    expect(run.progress().state).toBe('draining');
    await advance(clock, 1_999, 1);
    expect(run.progress().state).toBe('draining');
    expect(held.started[0]!.stop.aborted).toBe(false);
    await advance(clock, 1, 1);
    const report = await run.finished();
    expect(report).toMatchObject({ arrivals: 4, interrupted: 4 });
    expect(held.started[0]!.stop.aborted).toBe(true);
    expect(report.endedAtMs - report.startedAtMs).toBe(3_000);
  });

  it('ends as soon as the last arrival in flight finishes', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const run = new ArrivalScheduler(constantArrivalSchedule(4, 1_000, 1_000), { maxVUs: 10, gracefulStopMs: 10_000, clock }).start(
      held.fire,
    );
    await advance(clock, 1_200, 50);
    held.releaseAll();
    const report = await run.finished();
    expect(report).toMatchObject({ arrivals: 4, interrupted: 0 });
    expect(report.endedAtMs).toBe(1_200);
  });

  it('stops early on abort: no new arrivals, in-flight ones drain', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const controller = new AbortController();
    const run = new ArrivalScheduler(constantArrivalSchedule(10, 1_000, 10_000), { maxVUs: 100, gracefulStopMs: 1_000, clock }).start(
      held.fire,
      {
        signal: controller.signal,
      },
    );
    await advance(clock, 350, 50);
    controller.abort();
    await advance(clock, 500, 50);
    expect(held.started).toHaveLength(4);
    held.releaseAll();
    const report = await run.finished();
    expect(report).toMatchObject({ scheduled: 100, arrivals: 4, dropped: 0, interrupted: 0, stoppedEarly: true });
  });

  it('counts arrivals whose fire throws or rejects', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const fire = (arrival: Arrival) => {
      if (arrival.index === 1) throw new Error('sync');
      return arrival.index === 2 ? Promise.reject(new Error('async')) : undefined;
    };
    const run = new ArrivalScheduler(constantArrivalSchedule(3, 1_000, 1_000), {
      maxVUs: 1,
      gracefulStopMs: 1_000,
      clock,
      onError: (_error, arrival) => seen.push(arrival.index),
    }).start(fire);
    await advance(clock, 1_000, 10);
    const report = await run.finished();
    expect(report).toMatchObject({ arrivals: 3, errors: 2, dropped: 0 });
    expect(seen).toEqual([1, 2]);
  });

  it('reports target and achieved rates while ramping', async () => {
    const clock = new ManualClock();
    const held = heldArrivals(clock);
    const schedule = rampingArrivalSchedule(0, 1_000, [{ target: 200, duration: 4_000 }]);
    const run = new ArrivalScheduler(schedule, { maxVUs: 10_000, gracefulStopMs: 100, clock }).start(held.fire);
    await advance(clock, 3_000, 5);
    const progress = run.progress();
    expect(progress.targetRatePerSec).toBeCloseTo(150, 6);
    // Started over 2..3 s: the area under 100/s..150/s.
    expect(progress.achievedRatePerSec).toBeGreaterThan(120);
    expect(progress.achievedRatePerSec).toBeLessThan(130);
    await advance(clock, 1_000, 5);
    held.releaseAll();
    expect((await run.finished()).arrivals).toBe(400);
  });
});
