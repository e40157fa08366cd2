/**
 * One step of a capacity sweep: the scenario's workload at one constant arrival rate on the running stack, for
 * a warm-up and then a hold window, driven by the run's own load loop and workload driver. The step is judged on
 * the hold window alone: the scenario's thresholds (SLOs), no dropped arrivals, and a p99 schedule lag within
 * the bound (past it the load generator, not the stack, is the limit).
 */
import { LatencyHistogram } from '../load/latency-histogram.ts';
import type { Arrival, DriverContext, WorkloadDriver } from '../load/workload-driver.ts';
import { createDriver } from '../run/driver-factory.ts';
import { runLoadLoop } from '../run/load-loop.ts';
import type { RunningStack } from '../runtime/stack.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { sliCatalog } from '../sli/catalog.ts';
import { PhasedSlis } from '../sli/phased-slis.ts';
import { SeriesRecorder } from '../sli/series-recorder.ts';
import { evaluateThresholds, thresholdSpecs } from '../sli/threshold-evaluator.ts';
import { Timeline } from '../sli/timeline.ts';
import type { CapacityStep } from './capacity-report-schema.ts';
import { SaturationProbe } from './saturation-probe.ts';

export interface StepOptions {
  scenario: Scenario;
  stack: RunningStack;
  index: number;
  phase: 'coarse' | 'bisect';
  /** Arrivals per second. */
  rate: number;
  warmupMs: number;
  holdMs: number;
  lagBoundMs: number;
  signal: AbortSignal;
}

/** Counts the arrivals that completed, by the time they did. */
class CompletionCounter implements WorkloadDriver {
  readonly completedAtMs: number[] = [];
  constructor(private readonly inner: WorkloadDriver) {}
  get workload() {
    return this.inner.workload;
  }
  get latencySli() {
    return this.inner.latencySli;
  }
  prepare(context: DriverContext) {
    return this.inner.prepare(context);
  }
  async fire(arrival: Arrival) {
    try {
      await this.inner.fire(arrival);
    } finally {
      this.completedAtMs.push(Date.now());
    }
  }
  sample() {
    return this.inner.sample();
  }
  errorCount() {
    return this.inner.errorCount();
  }
  finish() {
    return this.inner.finish();
  }
  [Symbol.asyncDispose]() {
    return this.inner[Symbol.asyncDispose]();
  }
}

export function stepScenario(scenario: Scenario, rate: number, durationMs: number): Scenario {
  const { maxVUs, gracefulStop } = scenario.load;
  return { ...scenario, load: { executor: 'constant-arrival-rate', rate, timeUnit: 1_000, duration: durationMs, maxVUs, gracefulStop } };
}

export async function runCapacityStep(options: StepOptions): Promise<CapacityStep> {
  const { stack, rate, warmupMs, holdMs } = options;
  const scenario = stepScenario(options.scenario, rate, warmupMs + holdMs);
  const startedAtMs = Date.now();
  const slis = new PhasedSlis(() => new LatencyHistogram(), startedAtMs);
  const series = new SeriesRecorder(scenario.report.interval, startedAtMs, 'latency');
  const timeline = new Timeline(startedAtMs);
  const probe = new SaturationProbe(stack);
  const driver = new CompletionCounter(await createDriver(scenario, stack));
  let holdStartMs = startedAtMs + warmupMs;
  const timers: NodeJS.Timeout[] = [];
  let signals: Promise<CapacityStep['signals']> = Promise.resolve([]);
  try {
    await driver.prepare({ slis, series });
    const load = await runLoadLoop({
      scenario,
      driver,
      slis,
      series,
      timeline,
      thresholds: [],
      signal: options.signal,
      onProgress: () => undefined,
      onStart: (loadStartMs) => {
        holdStartMs = loadStartMs + warmupMs;
        slis.setOrigin(loadStartMs);
        series.setOrigin(loadStartMs);
        if (warmupMs > 0) slis.startPhase('warmup', loadStartMs);
        slis.startPhase('hold', holdStartMs);
        timers.push(
          setTimeout(() => {
            void probe.begin();
            const sampling = setInterval(() => void probe.sample(), 1_000);
            timers.push(sampling);
            timers.push(
              setTimeout(() => {
                clearInterval(sampling);
                signals = probe.end();
              }, holdMs),
            );
          }, warmupMs),
        );
      },
    });
    await driver.finish();
    slis.endPhase(load.endedAtMs);
    const stepSignals = await signals;
    return judge(options, { slis, driver, load, holdStartMs, startedAtMs, signals: stepSignals });
  } finally {
    for (const timer of timers) clearTimeout(timer);
    try {
      await driver[Symbol.asyncDispose]();
    } catch {
      /* a service the failover stopped may have taken the driver's socket with it */
    }
  }
}

interface Measured {
  slis: PhasedSlis;
  driver: CompletionCounter;
  load: { dropped: number; aborted: boolean; endedAtMs: number };
  holdStartMs: number;
  startedAtMs: number;
  signals: CapacityStep['signals'];
}

function judge(options: StepOptions, m: Measured): CapacityStep {
  const { slis, driver, holdStartMs } = m;
  const definitions = sliCatalog[driver.workload]!;
  const hold = slis.phaseSets.find((p) => p.name === 'hold')?.set ?? slis.run;
  // SLIs only the whole step has (schedule lag, DLQ growth) are judged on the whole step.
  const values = { ...slis.run.summarize(definitions, m.load.endedAtMs - m.startedAtMs, ''), ...hold.summarize(definitions, options.holdMs, '') };
  const histogram = (sli: string) => hold.trends.get(sli) ?? slis.run.trends.get(sli);
  const specs = thresholdSpecs(options.scenario).filter((t) => t.phase === undefined);
  const failures = evaluateThresholds(specs, values, histogram, 'hold')
    .filter((r) => !r.pass)
    .map((r) => `${r.sli} ${r.expression} (observed ${r.observed === null ? 'no samples' : round(r.observed)})`);
  const lag = slis.run.trends.get('schedule_lag');
  const lagP99Ms = lag && lag.count > 0 ? round(lag.percentileMs(99)) : null;
  const latency = hold.trends.get(driver.latencySli);
  const pct = (p: number) => (latency && latency.count > 0 ? round(latency.percentileMs(p)) : null);
  const holdEndMs = holdStartMs + options.holdMs;
  const completed = driver.completedAtMs.filter((t) => t >= holdStartMs && t < holdEndMs).length;
  const interrupted = options.signal.aborted;
  const achieved = (completed * 1_000) / options.holdMs;
  const sloFailed = failures.length > 0;
  const overLag = lagP99Ms !== null && lagP99Ms > options.lagBoundMs;
  // A late generator is the limit when the stack kept up (or nothing else failed); a stack that completed well
  // under the offered rate and broke an SLO is the limit itself, however late a busy machine ran the timers.
  const generatorLimited = overLag && (!sloFailed || achieved >= options.rate * KEPT_UP);
  if (overLag) failures.push(`schedule_lag p(99)<=${options.lagBoundMs} (observed ${lagP99Ms}): the load generator fell behind`);
  if (m.load.dropped > 0) failures.push(`dropped_arrivals ${m.load.dropped} (maxVUs ${options.scenario.load.maxVUs} in flight)`);
  const limitedBy = interrupted ? 'interrupted' : generatorLimited ? 'lag' : m.load.dropped > 0 ? 'dropped' : failures.length > 0 ? 'slo' : null;
  return {
    index: options.index,
    phase: options.phase,
    offered: options.rate,
    achieved: round(achieved),
    p50Ms: pct(50),
    p95Ms: pct(95),
    p99Ms: pct(99),
    dropped: m.load.dropped,
    lagP99Ms,
    pass: limitedBy === null,
    limitedBy,
    failures,
    signals: m.signals,
    startedAtMs: m.startedAtMs,
    durationMs: Date.now() - m.startedAtMs,
  };
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Share of the offered rate a stack that keeps up completes in the hold window. */
const KEPT_UP = 0.95;
