/**
 * Timed callbacks for the toxics of a fault server, on the injected Clock: one pending sleep for the earliest task
 * (a binary heap orders the rest), so a test with a ManualClock drives every toxic timeline exactly.
 */
import type { Clock } from '../common/clock.ts';

export interface ScheduledTask {
  /** Monotonic time the task runs at, ms (Clock.nowMs). */
  readonly dueMs: number;
  cancel(): void;
}

interface Entry extends ScheduledTask {
  seq: number;
  run: () => void;
  cancelled: boolean;
}

/** Tasks due within this much of now run at once: timers fire with millisecond granularity. */
const EARLY_MS = 0.5;

export class Scheduler {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private armedFor = Number.POSITIVE_INFINITY;
  private armGeneration = 0;
  private abort: AbortController | undefined;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** Runs `run` at `dueMs` (monotonic ms); at once (next turn) when that is past. */
  at(dueMs: number, run: () => void): ScheduledTask {
    const entry: Entry = { dueMs, seq: this.seq++, run, cancelled: false, cancel: () => (entry.cancelled = true) };
    if (this.closed) return entry;
    this.pushEntry(entry);
    if (dueMs < this.armedFor) this.arm(dueMs);
    return entry;
  }

  after(delayMs: number, run: () => void): ScheduledTask {
    return this.at(this.clock.nowMs() + delayMs, run);
  }

  /** Cancels every task; later calls to `at` do nothing. */
  close(): void {
    this.closed = true;
    this.heap.length = 0;
    this.abort?.abort();
    this.armGeneration++;
  }

  private arm(dueMs: number): void {
    this.abort?.abort();
    const abort = new AbortController();
    const generation = ++this.armGeneration;
    this.abort = abort;
    this.armedFor = dueMs;
    const delay = Math.max(0, dueMs - this.clock.nowMs());
    this.clock.sleep(delay, abort.signal).then(
      () => {
        if (generation === this.armGeneration) this.fire();
      },
      () => undefined,
    );
  }

  private fire(): void {
    this.armedFor = Number.POSITIVE_INFINITY;
    this.abort = undefined;
    const limit = this.clock.nowMs() + EARLY_MS;
    // Bounded: only tasks that existed when the timer fired run now; tasks they add wait for the next timer.
    const lastSeq = this.seq;
    let head = this.heap[0];
    while (head && head.dueMs <= limit && head.seq < lastSeq && !this.closed) {
      this.popEntry();
      if (!head.cancelled) head.run();
      head = this.heap[0];
    }
    while (this.heap[0]?.cancelled) this.popEntry();
    const next = this.heap[0];
    if (next && !this.closed) this.arm(next.dueMs);
  }

  private before(a: Entry, b: Entry): boolean {
    return a.dueMs < b.dueMs || (a.dueMs === b.dueMs && a.seq < b.seq);
  }

  private pushEntry(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private popEntry(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (!last || heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}
