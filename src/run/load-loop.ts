/**
 * Drives one workload through the executor's schedule while sampling the stack, showing progress and
 * judging abortOnFail thresholds once a second. Stops early on an interrupt or an abort.
 */
import { ArrivalScheduler } from '../load/arrival-scheduler.ts';
import type { LoadGate } from '../load/load-gate.ts';
import type { WorkloadDriver } from '../load/workload-driver.ts';
import type { ProgressSnapshot } from '../report/reporter.ts';
import { sliCatalog } from '../sli/catalog.ts';
import type { PhasedSlis } from '../sli/phased-slis.ts';
import type { SeriesRecorder } from '../sli/series-recorder.ts';
import { evaluateThresholds, type ThresholdSpec } from '../sli/threshold-evaluator.ts';
import type { Timeline } from '../sli/timeline.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

export interface LoadLoopResult {
  /** How long the schedule ran before its last arrival was due (or it was stopped), ms. */
  scheduleMs: number;
  scheduled: number;
  arrivals: number;
  dropped: number;
  startedAtMs: number;
  endedAtMs: number;
  aborted: boolean;
}

export interface LoadLoopOptions {
  scenario: Scenario;
  driver: WorkloadDriver;
  slis: PhasedSlis;
  /** Gets `scheduled` (due by the schedule, at its intended time), `arrivals` (started) and `dropped` per interval. */
  series?: SeriesRecorder;
  timeline: Timeline;
  thresholds: ThresholdSpec[];
  signal: AbortSignal;
  onProgress: (snapshot: ProgressSnapshot) => void;
  /** Arrivals start only while the gate admits them (a playbook's pause-load). */
  gate?: LoadGate;
  /** Called once the first arrival is due: the moment offsets in the report count from. */
  onStart: (startedAtMs: number) => void;
}

export async function runLoadLoop(options: LoadLoopOptions): Promise<LoadLoopResult> {
  const { scenario, driver, slis, timeline } = options;
  const abort = new AbortController();
  const stop = () => abort.abort(options.signal.reason);
  options.signal.addEventListener('abort', stop, { once: true });
  let aborted = false;

  const toEpoch = (monotonicMs: number) => performance.timeOrigin + monotonicMs;
  const { series } = options;
  const scheduler = ArrivalScheduler.fromSpec(scenario.load, {
    onDrop: (arrival) => {
      series?.add('scheduled', toEpoch(arrival.intendedAtMs));
      series?.add('dropped', Date.now());
    },
  });
  // Phase thresholds are judged at the end: a phase's SLIs are complete only once it is over.
  const abortable = options.thresholds.filter((t) => t.abortOnFail && t.phase === undefined);
  options.onStart(Date.now());
  const gate = options.gate;
  const running = scheduler.start(
    (arrival) => {
      series?.add('scheduled', toEpoch(arrival.intendedAtMs));
      // A paused load (pause-load) skips the arrival: scheduled, never sent.
      if (gate && !gate.admit()) return undefined;
      series?.add('arrivals', Date.now());
      return driver.fire({ index: arrival.index, intendedAtMs: toEpoch(arrival.intendedAtMs) });
    },
    { signal: abort.signal },
  );

  const everySecond = setInterval(() => {
    const snapshot = running.progress();
    const run = slis.run;
    const latency = run.trends.get(driver.latencySli);
    options.onProgress({
      elapsedMs: snapshot.elapsedMs,
      plannedMs: scheduler.schedule.durationMs,
      targetRate: snapshot.targetRatePerSec,
      // Over the whole run so far: a one-second window sampled on the schedule's own beat counts a boundary arrival twice.
      achievedRate: snapshot.elapsedMs > 0 ? (snapshot.started * 1_000) / Math.max(snapshot.elapsedMs, 1_000) : 0,
      inFlight: snapshot.inFlight,
      dropped: snapshot.dropped,
      p99Ms: latency && latency.count > 0 ? latency.percentileMs(99) : null,
      errors: driver.errorCount(),
    });
    if (abortable.length && !aborted) {
      const due = abortable.filter((t) => snapshot.elapsedMs >= t.delayAbortEvalMs);
      const values = run.summarize(sliCatalog[driver.workload]!, snapshot.elapsedMs, '');
      const failed = evaluateThresholds(due, values, (sli) => run.trends.get(sli)).filter((r) => !r.pass && r.observed !== null);
      if (failed.length) {
        aborted = true;
        const what = failed.map((f) => `${f.sli} ${f.expression} (observed ${f.observed})`).join('; ');
        timeline.add({ source: 'threshold', type: 'abort', detail: what });
        abort.abort(new Error(`abortOnFail: ${what}`));
      }
    }
  }, 1_000);
  const sampler = setInterval(() => void driver.sample().catch(() => undefined), scenario.workload.type === 'signal' ? scenario.workload.sampleInterval : 1_000);

  try {
    const result = await running.finished();
    slis.record((s) => {
      s.count('arrivals', result.arrivals);
      s.rate('dropped_arrivals', true, result.dropped);
      s.rate('dropped_arrivals', false, result.arrivals);
    });
    slis.run.trends.set('schedule_lag', result.lag);
    const elapsedMs = result.endedAtMs - result.startedAtMs;
    return {
      scheduleMs: result.stoppedEarly ? Math.min(elapsedMs, scheduler.schedule.durationMs) : scheduler.schedule.durationMs,
      scheduled: result.scheduled,
      arrivals: result.arrivals,
      dropped: result.dropped,
      startedAtMs: toEpoch(result.startedAtMs),
      endedAtMs: toEpoch(result.endedAtMs),
      aborted,
    };
  } finally {
    clearInterval(everySecond);
    clearInterval(sampler);
    options.signal.removeEventListener('abort', stop);
  }
}
