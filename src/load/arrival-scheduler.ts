/**
 * The open-model executor: starts every arrival of a schedule at its intended time, whether or not
 * earlier ones have finished. A timer loop wakes at the next intended time and starts every arrival
 * then due; times are offsets from one start instant, so lateness never accumulates. At most
 * `maxVUs` arrivals are in flight; one due while that many are in flight is dropped and counted
 * (k6's dropped_iterations). The loop never starts more arrivals than the schedule holds.
 */
import { systemClock, type Clock } from '../common/clock.ts';
import type { LoadSpec } from '../scenario/load-schema.ts';
import { arrivalSchedule, type ArrivalSchedule } from './arrival-schedule.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { RateWindow } from './rate-window.ts';
import { wakeAfter } from './wake-after.ts';

/** One arrival handed to the workload. */
export interface Arrival {
  /** Position in the schedule, 0-based. */
  index: number;
  /** Intended start, monotonic clock ms (`Clock.nowMs`). Latency measured from here is free of coordinated omission. */
  intendedAtMs: number;
}

/**
 * Starts the work of one arrival and resolves when it is done. `stop` is aborted when the graceful
 * stop runs out: work still going then is abandoned and should end promptly.
 */
export type FireArrival = (arrival: Arrival, stop: AbortSignal) => Promise<unknown> | void;

export interface ArrivalSchedulerOptions {
  /** Most arrivals in flight at once; further due arrivals are dropped. */
  maxVUs: number;
  /** After the schedule's end (or an early stop), how long to wait for arrivals in flight, ms. */
  gracefulStopMs: number;
  clock?: Clock;
  /** Called when `fire` throws or rejects; such arrivals are counted in `errors`. */
  onError?: (error: unknown, arrival: Arrival) => void;
}

/** A live view of a run, for a progress line. */
export interface ArrivalProgress {
  state: 'running' | 'draining' | 'done';
  /** Since the start, ms. */
  elapsedMs: number;
  /** Arrivals in the schedule. */
  scheduled: number;
  /** Arrivals started so far. */
  started: number;
  dropped: number;
  inFlight: number;
  /** Schedule's rate now, arrivals per second. */
  targetRatePerSec: number;
  /** Arrivals started per second over about the last second. */
  achievedRatePerSec: number;
}

/** What a finished run did. */
export interface ArrivalReport {
  /** Arrivals in the schedule. */
  scheduled: number;
  /** Arrivals started (the `arrivals` SLI). */
  arrivals: number;
  /** Arrivals due while `maxVUs` were in flight, not started (`dropped_arrivals`). */
  dropped: number;
  /** Arrivals still in flight when the graceful stop ran out. */
  interrupted: number;
  /** Arrivals whose `fire` threw or rejected. */
  errors: number;
  /** True when the run was stopped before the schedule's end. */
  stoppedEarly: boolean;
  /** Actual start minus intended start of each started arrival, ms (`schedule_lag`). */
  lag: LatencyHistogram;
  /** Monotonic clock ms of the start, and of the end of the graceful stop. */
  startedAtMs: number;
  endedAtMs: number;
  /** Epoch ms of the start, for reports. */
  startedAtEpochMs: number;
}

/** A run in progress. Disposing it stops it and waits for the report. */
export interface RunningArrivals extends AsyncDisposable {
  progress(): ArrivalProgress;
  /** Starts no more arrivals; those in flight get the graceful stop. */
  stop(): void;
  /** Resolves once the schedule is done (or stopped) and the graceful stop is over. */
  finished(): Promise<ArrivalReport>;
}

/** Arrivals started in one go before yielding to I/O, when the loop has fallen behind. */
const MAX_BATCH = 2_048;

export class ArrivalScheduler {
  constructor(
    readonly schedule: ArrivalSchedule,
    private readonly options: ArrivalSchedulerOptions,
  ) {
    if (!(options.maxVUs >= 1)) throw new RangeError(`maxVUs must be at least 1, got ${options.maxVUs}`);
  }

  static fromSpec(spec: LoadSpec, options: Pick<ArrivalSchedulerOptions, 'clock' | 'onError'> = {}): ArrivalScheduler {
    return new ArrivalScheduler(arrivalSchedule(spec), { ...options, maxVUs: spec.maxVUs, gracefulStopMs: spec.gracefulStop });
  }

  /** Starts the schedule now. `signal` stops it early, as `stop()` does. */
  start(fire: FireArrival, options: { signal?: AbortSignal } = {}): RunningArrivals {
    return new ArrivalRun(this.schedule, this.options, fire, options.signal);
  }
}

class ArrivalRun implements RunningArrivals {
  private readonly clock: Clock;
  private readonly startedAtMs: number;
  private readonly startedAtEpochMs: number;
  private readonly lag = new LatencyHistogram();
  private readonly recent = new RateWindow();
  private readonly stopping = new AbortController();
  private readonly hardStop = new AbortController();
  private readonly done: Promise<ArrivalReport>;
  private state: ArrivalProgress['state'] = 'running';
  private next = 0;
  private started = 0;
  private dropped = 0;
  private inFlight = 0;
  private errors = 0;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly schedule: ArrivalSchedule,
    private readonly options: ArrivalSchedulerOptions,
    private readonly fire: FireArrival,
    signal: AbortSignal | undefined,
  ) {
    this.clock = options.clock ?? systemClock;
    this.startedAtMs = this.clock.nowMs();
    this.startedAtEpochMs = this.clock.wallMs();
    if (signal?.aborted) this.stop();
    else signal?.addEventListener('abort', () => this.stop(), { once: true });
    this.done = this.run();
  }

  stop(): void {
    this.stopping.abort();
  }

  finished(): Promise<ArrivalReport> {
    return this.done;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.stop();
    await this.done;
  }

  progress(): ArrivalProgress {
    const elapsedMs = this.clock.nowMs() - this.startedAtMs;
    return {
      state: this.state,
      elapsedMs,
      scheduled: this.schedule.count,
      started: this.started,
      dropped: this.dropped,
      inFlight: this.inFlight,
      targetRatePerSec: this.state === 'running' ? this.schedule.ratePerSecondAt(elapsedMs) : 0,
      achievedRatePerSec: this.recent.ratePerSecond(elapsedMs, 0),
    };
  }

  private async run(): Promise<ArrivalReport> {
    await this.startAll();
    // The load phase lasts the schedule's duration, as in k6, even when the last arrival comes earlier.
    await this.waitUntil(this.startedAtMs + this.schedule.durationMs);
    this.state = 'draining';
    await this.drain();
    const interrupted = this.inFlight;
    this.hardStop.abort();
    this.state = 'done';
    return {
      scheduled: this.schedule.count,
      arrivals: this.started,
      dropped: this.dropped,
      interrupted,
      errors: this.errors,
      stoppedEarly: this.next < this.schedule.count,
      lag: this.lag,
      startedAtMs: this.startedAtMs,
      endedAtMs: this.clock.nowMs(),
      startedAtEpochMs: this.startedAtEpochMs,
    };
  }

  /** Runs the timer loop; resolves when every arrival was started or dropped, or on stop. */
  private startAll(): Promise<void> {
    return new Promise<void>((resolve) => {
      let cancelWake: (() => void) | undefined;
      const finish = () => {
        cancelWake?.();
        this.stopping.signal.removeEventListener('abort', finish);
        resolve();
      };
      const tick = () => {
        cancelWake = undefined;
        if (this.stopping.signal.aborted) return finish();
        const nextDueMs = this.startDue();
        if (nextDueMs === undefined) return finish();
        const waitMs = nextDueMs - this.clock.nowMs();
        // Still behind after a full batch (a blocked event loop): let responses in first.
        if (waitMs <= 0) setImmediate(tick);
        else cancelWake = wakeAfter(this.clock, waitMs, tick);
      };
      this.stopping.signal.addEventListener('abort', finish, { once: true });
      tick();
    });
  }

  /** Starts every arrival due now (at most one batch); returns when the next one is due, or undefined when none is left. */
  private startDue(): number | undefined {
    const { schedule, clock, startedAtMs } = this;
    for (let batch = 0; batch < MAX_BATCH && this.next < schedule.count; batch++) {
      const intendedAtMs = startedAtMs + schedule.offsetMs(this.next);
      const nowMs = clock.nowMs();
      if (intendedAtMs > nowMs) return intendedAtMs;
      this.startOne(this.next++, intendedAtMs, nowMs);
    }
    return this.next < schedule.count ? startedAtMs + schedule.offsetMs(this.next) : undefined;
  }

  /** Waits until `atMs` (monotonic) or until stopped. */
  private waitUntil(atMs: number): Promise<void> {
    const waitMs = atMs - this.clock.nowMs();
    if (waitMs <= 0 || this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        cancel();
        this.stopping.signal.removeEventListener('abort', done);
        resolve();
      };
      const cancel = wakeAfter(this.clock, waitMs, done);
      this.stopping.signal.addEventListener('abort', done, { once: true });
    });
  }

  private startOne(index: number, intendedAtMs: number, nowMs: number): void {
    if (this.inFlight >= this.options.maxVUs) {
      this.dropped++;
      return;
    }
    this.inFlight++;
    this.started++;
    this.lag.recordMs(nowMs - intendedAtMs);
    this.recent.add(nowMs - this.startedAtMs);
    const arrival = { index, intendedAtMs };
    let result: Promise<unknown> | void;
    try {
      result = this.fire(arrival, this.hardStop.signal);
    } catch (error) {
      this.failed(error, arrival);
      return;
    }
    if (result && typeof result.then === 'function') result.then(this.settled, (error: unknown) => this.failed(error, arrival));
    else this.settled();
  }

  private readonly settled = (): void => {
    if (--this.inFlight === 0) this.onIdle?.();
  };

  private failed(error: unknown, arrival: Arrival): void {
    this.errors++;
    this.options.onError?.(error, arrival);
    this.settled();
  }

  /** Waits for arrivals in flight, at most the graceful stop. */
  private async drain(): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const cancel = wakeAfter(this.clock, this.options.gracefulStopMs, () => this.onIdle?.());
      this.onIdle = () => {
        this.onIdle = undefined;
        cancel();
        resolve();
      };
    });
  }
}
