/**
 * The open-model executor: starts every arrival of a schedule at its intended time, whether or not
 * earlier ones have finished. A timer loop wakes at the next intended time and starts every arrival
 * then due, and those due within the timer slack (12 ms) after it; times are offsets from one start
 * instant, so lateness never accumulates. At most
 * `maxVUs` arrivals are in flight; one due while that many are in flight is dropped and counted
 * (k6's dropped_iterations). The loop never starts more arrivals than the schedule holds.
 */
import type { Clock } from '../common/clock.ts';
import type { LoadSpec } from '../scenario/load-schema.ts';
import { ArrivalRun } from './arrival-run.ts';
import { arrivalSchedule, type ArrivalSchedule } from './arrival-schedule.ts';
import type { LatencyHistogram } from './latency-histogram.ts';

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
  /**
   * Arrivals due within this many ms after a wake-up start in it, up to this much early, instead of each waiting for
   * a wake-up of its own, ms. Default 12: a wake-up costs about as much CPU as a request, and the responses to
   * arrivals started together share wake-ups too (`DEFAULT_TIMER_SLACK_MS`). 0 starts nothing before its intended time.
   */
  timerSlackMs?: number;
  clock?: Clock;
  /** Called when `fire` throws or rejects; such arrivals are counted in `errors`. */
  onError?: (error: unknown, arrival: Arrival) => void;
  /** Called for each arrival dropped because `maxVUs` were in flight when it came due. */
  onDrop?: (arrival: Arrival) => void;
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
  /** Actual start minus intended start of each started arrival, ms (`schedule_lag`); one started early (within the timer slack) counts 0. */
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

export class ArrivalScheduler {
  constructor(
    readonly schedule: ArrivalSchedule,
    private readonly options: ArrivalSchedulerOptions,
  ) {
    if (!(options.maxVUs >= 1)) throw new RangeError(`maxVUs must be at least 1, got ${options.maxVUs}`);
  }

  static fromSpec(spec: LoadSpec, options: Pick<ArrivalSchedulerOptions, 'clock' | 'onError' | 'onDrop'> = {}): ArrivalScheduler {
    return new ArrivalScheduler(arrivalSchedule(spec), { ...options, maxVUs: spec.maxVUs, gracefulStopMs: spec.gracefulStop });
  }

  /** Starts the schedule now. `signal` stops it early, as `stop()` does. */
  start(fire: FireArrival, options: { signal?: AbortSignal } = {}): RunningArrivals {
    return new ArrivalRun(this.schedule, this.options, fire, options.signal);
  }
}
