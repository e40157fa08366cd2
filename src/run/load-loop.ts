/**
 * Drives one workload through the executor's schedule while sampling the stack, showing progress and
 * judging abortOnFail thresholds once a second. Stops early on an interrupt or an abort.
 */
import { ArrivalScheduler } from '../load/arrival-scheduler.ts';
import type { WorkloadDriver } from '../load/workload-driver.ts';
import type { ProgressSnapshot } from '../report/reporter.ts';
import { sliCatalog } from '../sli/catalog.ts';
import type { PhasedSlis } from '../sli/phased-slis.ts';
import { evaluateThresholds, type ThresholdSpec } from '../sli/threshold-evaluator.ts';
import type { Timeline } from '../sli/timeline.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

export interface LoadLoopResult {
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
  timeline: Timeline;
  thresholds: ThresholdSpec[];
  signal: AbortSignal;
  onProgress: (snapshot: ProgressSnapshot) => void;
  /** Called once the first arrival is due: the moment offsets in the report count from. */
  onStart: (startedAtMs: number) => void;
}

export async function runLoadLoop(options: LoadLoopOptions): Promise<LoadLoopResult> {
  const { scenario, driver, slis, timeline } = options;
  const abort = new AbortController();
  const stop = () => abort.abort(options.signal.reason);
  options.signal.addEventListener('abort', stop, { once: true });
  let aborted = false;

  const scheduler = new ArrivalScheduler(scenario.load);
  const toEpoch = (monotonicMs: number) => performance.timeOrigin + monotonicMs;
  const abortable = options.thresholds.filter((t) => t.abortOnFail);

  const everySecond = setInterval(() => {
    const snapshot = scheduler.progress();
    const run = slis.run;
    const latency = run.trends.get(driver.latencySli);
    options.onProgress({
      elapsedMs: snapshot.elapsedMs,
      plannedMs: snapshot.plannedMs,
      targetRate: snapshot.targetRate,
      achievedRate: snapshot.achievedRate,
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
    const result = await scheduler.run(
      (arrival) => driver.fire({ index: arrival.index, intendedAtMs: toEpoch(arrival.intendedAtMs) }),
      {
        signal: abort.signal,
        onStart: (startedAt: number) => {
          options.onStart(toEpoch(startedAt));
          slis.record((s) => s); // phases are opened by the caller at onStart
        },
      },
    );
    slis.record((s) => {
      s.count('arrivals', result.arrivals);
      s.rate('dropped_arrivals', true, result.dropped);
      s.rate('dropped_arrivals', false, result.arrivals);
    });
    for (const lag of result.lagMs ?? []) slis.record((s) => s.trend('schedule_lag').recordMs(lag));
    return {
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
