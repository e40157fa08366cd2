import { describe, expect, it } from 'vitest';
import { ManualClock } from '../common/clock.ts';
import { PacedQueue } from './paced-queue.ts';
import { Scheduler } from './scheduler.ts';

/** Lets promise continuations (the scheduler's sleeps) run after the clock moved. */
async function advance(clock: ManualClock, ms: number): Promise<void> {
  clock.advance(ms);
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('PacedQueue on a ManualClock', () => {
  it('releases each item at its due time, never before the item ahead of it', async () => {
    const clock = new ManualClock();
    const released: string[] = [];
    const queue = new PacedQueue<string>(new Scheduler(clock), clock, (v) => released.push(`${v}@${clock.nowMs()}`));
    queue.push('a', 100);
    queue.push('b', 50);
    queue.push('c', 150);
    await advance(clock, 99);
    expect(released).toEqual([]);
    await advance(clock, 1);
    expect(released).toEqual(['a@100', 'b@100']);
    await advance(clock, 50);
    expect(released).toEqual(['a@100', 'b@100', 'c@150']);
  });

  it('releases items already due at once, and everything on flush', async () => {
    const clock = new ManualClock();
    const released: string[] = [];
    const queue = new PacedQueue<string>(new Scheduler(clock), clock, (v) => released.push(v));
    queue.push('now', 0);
    expect(released).toEqual(['now']);
    queue.push('later', 1_000);
    queue.push('much later', 5_000);
    queue.flush();
    expect(released).toEqual(['now', 'later', 'much later']);
    await advance(clock, 10_000);
    expect(released).toHaveLength(3);
  });

  it('drops everything on clear', async () => {
    const clock = new ManualClock();
    const released: string[] = [];
    const queue = new PacedQueue<string>(new Scheduler(clock), clock, (v) => released.push(v));
    queue.push('x', 10);
    queue.clear();
    await advance(clock, 100);
    expect(released).toEqual([]);
  });
});

describe('Scheduler', () => {
  it('runs tasks in due order and skips cancelled ones; nothing runs after close', async () => {
    const clock = new ManualClock();
    const scheduler = new Scheduler(clock);
    const ran: number[] = [];
    scheduler.at(30, () => ran.push(30));
    scheduler.at(10, () => ran.push(10));
    scheduler.at(20, () => ran.push(20)).cancel();
    await advance(clock, 15);
    expect(ran).toEqual([10]);
    await advance(clock, 15);
    expect(ran).toEqual([10, 30]);
    scheduler.at(40, () => ran.push(40));
    scheduler.close();
    await advance(clock, 100);
    expect(ran).toEqual([10, 30]);
  });
});
