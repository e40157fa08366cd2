/**
 * Time source injected into schedules, timelines and samplers so tests can drive them exactly
 * and runs can be replayed. `nowMs` is monotonic (performance.now based); `wallMs` is epoch time for reports.
 */
export interface Clock {
  /** Monotonic milliseconds, fractional. */
  nowMs(): number;
  /** Epoch milliseconds. */
  wallMs(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  nowMs: () => performance.now(),
  wallMs: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A clock that only moves when told to: for unit tests of schedules and timelines. */
export class ManualClock implements Clock {
  private now = 0;
  private readonly waiters: { at: number; resolve: () => void }[] = [];

  constructor(private readonly epochMs = 1_700_000_000_000) {}

  nowMs(): number {
    return this.now;
  }

  wallMs(): number {
    return this.epochMs + this.now;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ at: this.now + ms, resolve }));
  }

  advance(ms: number): void {
    this.now += ms;
    for (const waiter of this.waiters.filter((w) => w.at <= this.now)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }
}
