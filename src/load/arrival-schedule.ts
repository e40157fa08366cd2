/**
 * Intended arrival times of the open-model executors, as pure functions of the `load:` spec.
 *
 * Every arrival time is the moment the integral of the rate reaches a whole number of arrivals
 * (k6's method), so constant and ramping schedules share one rule and never drift:
 *  - constant-arrival-rate: arrival i (0-based) at i × timeUnit / rate, for every i whose time is
 *    before `duration` (the first at 0, as k6 starts the first iteration at once);
 *  - ramping-arrival-rate: the rate moves linearly from the previous target (`startRate` first) to
 *    each stage's target over the stage; arrival n (1-based) is where the area under the rate reaches n.
 */
import type { LoadSpec } from '../scenario/load-schema.ts';

/** The intended arrivals of one executor. */
export interface ArrivalSchedule {
  /** Number of arrivals in the whole schedule. */
  readonly count: number;
  /** Length of the schedule, ms; every arrival is at or before it. */
  readonly durationMs: number;
  /** Intended start of arrival `index` (0-based, < count), ms after the schedule starts; non-decreasing in `index`. */
  offsetMs(index: number): number;
  /** Target rate at `offsetMs` ms after the start, arrivals per second (0 after the end). */
  ratePerSecondAt(offsetMs: number): number;
}

/** Relative slack for float sums that should be whole numbers (e.g. 0.1 × 30 = 3.0000000000000004). */
const EPSILON = 1e-9;

function nearestWhole(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value - rounded) <= EPSILON * Math.max(1, Math.abs(value)) ? rounded : value;
}

/** Arrivals at a fixed rate: `rate` per `timeUnitMs` for `durationMs`. */
export function constantArrivalSchedule(rate: number, timeUnitMs: number, durationMs: number): ArrivalSchedule {
  if (!(rate > 0) || !(timeUnitMs > 0) || !(durationMs > 0)) {
    throw new RangeError(
      `constant arrival rate needs rate, timeUnit and duration > 0, got ${rate} per ${timeUnitMs} ms for ${durationMs} ms`,
    );
  }
  const count = Math.ceil(nearestWhole((durationMs * rate) / timeUnitMs));
  const perSecond = (rate * 1_000) / timeUnitMs;
  return {
    count,
    durationMs,
    offsetMs: (index) => (index * timeUnitMs) / rate,
    ratePerSecondAt: (offsetMs) => (offsetMs >= 0 && offsetMs < durationMs ? perSecond : 0),
  };
}

/** One linear segment of a ramping schedule, rates in arrivals per ms. */
interface Segment {
  startMs: number;
  durationMs: number;
  fromPerMs: number;
  toPerMs: number;
  /** Arrivals (area under the rate) before this segment. */
  areaBefore: number;
}

/** Time within a segment where the area under its rate reaches `area`: the root of from·x + (to − from)·x² / 2d = area. */
function timeForArea(segment: Segment, area: number): number {
  const { fromPerMs: from, toPerMs: to, durationMs: d } = segment;
  const discriminant = Math.max(0, from * from + (2 * (to - from) * area) / d);
  // The form 2a / (from + √…) stays exact when from = to and when from = 0, unlike the textbook root.
  const denominator = from + Math.sqrt(discriminant);
  return denominator > 0 ? Math.min(d, (2 * area) / denominator) : 0;
}

/** Arrivals whose rate ramps linearly from `startRate` through each stage's target, rates per `timeUnitMs`. */
export function rampingArrivalSchedule(
  startRate: number,
  timeUnitMs: number,
  stages: readonly { target: number; duration: number }[],
): ArrivalSchedule {
  if (!(timeUnitMs > 0) || stages.length === 0) throw new RangeError('ramping arrival rate needs timeUnit > 0 and at least one stage');
  const segments: Segment[] = [];
  let startMs = 0;
  let area = 0;
  let from = startRate / timeUnitMs;
  for (const stage of stages) {
    const to = stage.target / timeUnitMs;
    segments.push({ startMs, durationMs: stage.duration, fromPerMs: from, toPerMs: to, areaBefore: nearestWhole(area) });
    area += (stage.duration * (from + to)) / 2;
    startMs += stage.duration;
    from = to;
  }
  const count = Math.floor(nearestWhole(area));
  const durationMs = startMs;
  // Stages at rate 0 hold no arrivals; leaving them out keeps a boundary arrival in the stage that produced it.
  const busy = segments.filter((s) => s.fromPerMs + s.toPerMs > 0);

  /** Last busy segment whose areaBefore is below `n`: arrival n falls inside it. */
  const segmentForArea = (n: number): Segment => {
    let lo = 0;
    let hi = busy.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (busy[mid]!.areaBefore < n) lo = mid;
      else hi = mid - 1;
    }
    return busy[lo]!;
  };

  return {
    count,
    durationMs,
    offsetMs: (index) => {
      const n = index + 1;
      const segment = segmentForArea(n);
      return segment.startMs + timeForArea(segment, n - segment.areaBefore);
    },
    ratePerSecondAt: (offsetMs) => {
      if (offsetMs < 0 || offsetMs >= durationMs) return 0;
      const segment = segments.findLast((s) => s.startMs <= offsetMs)!;
      const share = (offsetMs - segment.startMs) / segment.durationMs;
      return (segment.fromPerMs + (segment.toPerMs - segment.fromPerMs) * share) * 1_000;
    },
  };
}

/** The schedule of a `load:` spec. */
export function arrivalSchedule(spec: LoadSpec): ArrivalSchedule {
  return spec.executor === 'constant-arrival-rate'
    ? constantArrivalSchedule(spec.rate, spec.timeUnit, spec.duration)
    : rampingArrivalSchedule(spec.startRate, spec.timeUnit, spec.stages);
}

/** Every intended arrival time, ms after the start. For tests and small schedules; the scheduler asks one at a time. */
export function arrivalOffsets(schedule: ArrivalSchedule): Float64Array {
  const offsets = new Float64Array(schedule.count);
  for (let i = 0; i < schedule.count; i++) offsets[i] = schedule.offsetMs(i);
  return offsets;
}
