/**
 * One run of an ArrivalScheduler: the timer loop, the in-flight count against maxVUs, schedule lag,
 * the graceful stop, and the live progress view.
 */
import { systemClock, type Clock } from '../common/clock.ts';
import type { ArrivalSchedule } from './arrival-schedule.ts';
import type {
  Arrival,
  ArrivalProgress,
  ArrivalReport,
  ArrivalSchedulerOptions,
  FireArrival,
  RunningArrivals,
} from './arrival-scheduler.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { RateWindow } from './rate-window.ts';
import { wakeAfter } from './wake-after.ts';

/** Arrivals started in one go before yielding to I/O, when the loop has fallen behind. */
const MAX_BATCH = 2_048;
/**
 * Default of `timerSlackMs`. A wake-up of the generator process costs about as much CPU as a request (tens of µs
 * on a VM to leave and re-enter idle), and responses to arrivals started together share wake-ups more often the
 * larger the group. 12 ms: at 1,000 arrivals a second thirteen share a wake-up; the former 4 ms cost up to 1.4
 * times autocannon's CPU per request at 1,000 and 5,000 a second (BENCHMARKS.md). With one wake-up per 12 ms at
 * most, a 10 ms window holds at most one group: the busiest 10 ms still carry about 1.3 times the rate.
 */
export const DEFAULT_TIMER_SLACK_MS = 12;

export class ArrivalRun implements RunningArrivals {
  private readonly clock: Clock;
  private readonly slackMs: number;
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
    this.slackMs = options.timerSlackMs ?? DEFAULT_TIMER_SLACK_MS;
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

  /**
   * Starts every arrival due now or within the slack (at most one batch); returns when the next one is due, or
   * undefined when none is left.
   */
  private startDue(): number | undefined {
    const { schedule, clock, startedAtMs, slackMs } = this;
    for (let batch = 0; batch < MAX_BATCH && this.next < schedule.count; batch++) {
      const intendedAtMs = startedAtMs + schedule.offsetMs(this.next);
      const nowMs = clock.nowMs();
      if (intendedAtMs > nowMs + slackMs) return intendedAtMs;
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
      this.options.onDrop?.({ index, intendedAtMs });
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
