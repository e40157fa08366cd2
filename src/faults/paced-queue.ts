/**
 * A FIFO whose items leave at non-decreasing times: the engine of the timed TCP toxics (latency, bandwidth,
 * slicer, slow_close). Only the head has a pending timer, so a queue costs one scheduler entry however long it is.
 */
import type { Clock } from '../common/clock.ts';
import type { ScheduledTask, Scheduler } from './scheduler.ts';

interface Item<T> {
  value: T;
  dueMs: number;
}

export class PacedQueue<T> {
  private items: Item<T>[] = [];
  private head = 0;
  private timer: ScheduledTask | undefined;
  private lastDue = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly release: (value: T) => void,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Due time of the last item queued, or -Infinity; new items never leave before it. */
  get lastDueMs(): number {
    return this.lastDue;
  }

  /** Queues `value` to leave at `dueMs`, or right after the item before it when that is later. */
  push(value: T, dueMs: number): void {
    const due = Math.max(dueMs, this.lastDue);
    this.lastDue = due;
    this.items.push({ value, dueMs: due });
    if (this.size === 1) this.armOrRelease();
  }

  /** Releases every queued item now, in order (the toxic was removed). */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    while (this.size > 0) this.release(this.shift().value);
    this.lastDue = Number.NEGATIVE_INFINITY;
  }

  /** Drops every queued item (the connection is gone). */
  clear(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.items = [];
    this.head = 0;
  }

  private shift(): Item<T> {
    const item = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  private armOrRelease(): void {
    const now = this.clock.nowMs();
    while (this.size > 0) {
      const next = this.items[this.head]!;
      if (next.dueMs > now + 0.5) {
        this.timer = this.scheduler.at(next.dueMs, () => {
          this.timer = undefined;
          this.armOrRelease();
        });
        return;
      }
      this.release(this.shift().value);
    }
  }
}
