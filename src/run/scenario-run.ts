/**
 * One run of a scenario, start to finish: reap what dead runs left, plan and start the stack, drive the
 * workload, write the report, and tear everything down on every path (success, failure, interrupt).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, exitCodeOf, InterruptedError, ReportDirError } from '../common/errors.ts';
import { silentLogger, type Logger } from '../common/logger.ts';
import { LatencyHistogram } from '../load/latency-histogram.ts';
import type { WorkloadDriver } from '../load/workload-driver.ts';
import type { Reporter } from '../report/reporter.ts';
import type { Report } from '../report/report-schema.ts';
import { dockerContainerRemover } from '../runtime/docker/container-remover.ts';
import { runtimeFor } from '../runtime/runtime-for.ts';
import { reapDeadRuns, RunRegistry } from '../runtime/run-registry.ts';
import { RunningStack } from '../runtime/stack.ts';
import { FaultLayer } from '../faults/timeline/fault-layer.ts';
import { directLinks, planStack } from '../runtime/stack-plan.ts';
import { startDependencies } from '../scenario/scenario-rules.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { PhasedSlis } from '../sli/phased-slis.ts';
import { SeriesRecorder } from '../sli/series-recorder.ts';
import { thresholdSpecs } from '../sli/threshold-evaluator.ts';
import { Timeline } from '../sli/timeline.ts';
import { Playbook } from '../drills/playbook.ts';
import { LoadGate } from '../load/load-gate.ts';
import { playbookMethod } from '../scenario/method-schema.ts';
import { createDriver } from './driver-factory.ts';
import { runLoadLoop, type LoadLoopResult } from './load-loop.ts';
import { buildReport } from './report-builder.ts';
import { newRunId } from './run-id.ts';

export interface RunOptions {
  cwd: string;
  logger?: Logger;
  reporters: Reporter[];
  /** Aborted on SIGINT/SIGTERM: the load stops, the report is written, the stack torn down. */
  signal: AbortSignal;
  stateDir?: string;
  /**
   * Receives, once the run folder exists, a function that writes the report of the run so far synchronously
   * (verdict interrupted) through the reporters' `onHardStop`: the CLI calls it before a hard exit.
   */
  onHardStop?: (writeReportNow: () => void) => void;
}

export interface RunOutcome {
  report: Report;
  runDir: string;
  exitCode: number;
}

export async function runScenario(loaded: LoadedScenario, options: RunOptions): Promise<RunOutcome> {
  const { scenario } = loaded;
  const logger = options.logger ?? silentLogger;
  await reapDeadRuns({ ...(options.stateDir ? { stateDir: options.stateDir } : {}), logger, removeContainers: dockerContainerRemover(logger) });

  const runId = newRunId(scenario.name);
  const runDir = path.resolve(options.cwd, scenario.report.dir, runId);
  await createRunDir(runDir);
  const registry = RunRegistry.open(runId, loaded.file, options.stateDir);
  const runStartedAtMs = Date.now();
  const timeline = new Timeline(runStartedAtMs);
  for (const reporter of options.reporters) {
    if (reporter.onEvent) timeline.onEvent((e) => reporter.onEvent!(e));
    await reporter.onRunStart?.({ runId, scenario: scenario.name, release: scenario.release, runDir });
  }
  const newHistogram = () => new LatencyHistogram();
  const slis = new PhasedSlis(newHistogram, runStartedAtMs);
  const series = new SeriesRecorder(scenario.report.interval, runStartedAtMs, 'latency');
  const errors: string[] = [];
  let failure: unknown;
  let stack: RunningStack | undefined;
  let faults: FaultLayer | undefined;
  let driver: WorkloadDriver | undefined;
  let load: LoadLoopResult | undefined;
  let playbook: Playbook | undefined;
  let originMs = runStartedAtMs;
  const gate = new LoadGate();
  // The load stops on an interrupt, and when the playbook says so (not steady, an abortOnFail probe).
  const loadStop = new AbortController();
  const onInterrupt = () => {
    loadStop.abort(options.signal.reason);
    void playbook?.stop();
  };
  options.signal.addEventListener('abort', onInterrupt, { once: true });
  let usage: Record<string, { cpuSeconds: number; rssBytes: number } | undefined> = {};
  const images: Record<string, { ref: string; id: string }> = {};
  const report = (interrupted: boolean) =>
    buildReport({
      loaded,
      runId,
      runStartedAtMs,
      endedAtMs: Date.now(),
      load,
      slis,
      series,
      timeline,
      errors,
      interrupted,
      stackPlans: stack ? stack.serviceNames.map((n) => stack!.plan(n)) : [],
      usage,
      images,
      steps: playbook?.method.results ?? [],
      playbook: playbook?.outcome(),
      findings: driver?.findings?.(),
    });
  options.onHardStop?.(() => {
    const now = report(true);
    now.errors = [...now.errors, 'hard stop: a second signal killed the stack before teardown finished'];
    for (const reporter of options.reporters) reporter.onHardStop?.(now, runDir);
  });

  try {
    faults = await FaultLayer.open(scenario, logger, { runId, registry });
    const plans = await planStack(scenario, runDir, faults?.links ?? directLinks);
    const runtime = await runtimeFor(scenario.runtime, registry, logger);
    stack = await RunningStack.start(
      runtime,
      plans,
      {
        logger,
        signal: options.signal,
        onEvent: (e) => timeline.add({ source: 'service', type: e.type, target: e.service, atMs: e.atMs, ...(e.detail ? { detail: e.detail } : {}) }),
      },
      scenario.parallelStart ? startDependencies(scenario) : undefined,
    );
    for (const name of stack.serviceNames) {
      const state = stack.state(name);
      if (state.state === 'running' && state.image) images[name] = state.image;
    }
    driver = await createDriver(scenario, stack);
    await driver.prepare({ slis, series });
    const running = stack;
    await faults?.prepare(timeline, (name) => running.plan(name), (name, atMs) => slis.startPhase(name, atMs));
    if (playbookMethod(scenario).length > 0) {
      playbook = new Playbook({
        scenario,
        context: { stack, timeline, gate, faults, probes: { stack, log: slis.log, workload: scenario.workload.type, originMs: () => originMs } },
        log: slis.log,
        timeline,
        logger,
        onPhase: (name, atMs) => slis.startPhase(name, atMs),
        stopLoad: (reason) => loadStop.abort(new Error(reason)),
      });
    }
    load = await runLoadLoop({
      scenario,
      driver,
      slis,
      series,
      timeline,
      thresholds: thresholdSpecs(scenario),
      signal: loadStop.signal,
      gate,
      onProgress: (s) => options.reporters.forEach((r) => r.onProgress?.(s)),
      onStart: (startedAtMs) => {
        originMs = startedAtMs;
        timeline.rebase(startedAtMs);
        slis.setOrigin(startedAtMs);
        series.setOrigin(startedAtMs);
        slis.startPhase(faults?.hasTimeline || playbook ? 'baseline' : 'run', startedAtMs);
        timeline.add({ source: 'load', type: 'start', atMs: startedAtMs, detail: `${scenario.load.executor}` });
        faults?.start(startedAtMs);
        playbook?.start(startedAtMs);
      },
    });
    await playbook?.settled();
    await playbook?.finish();
    await driver.finish();
    slis.endPhase(load.endedAtMs);
    if (!options.signal.aborted) await playbook?.judgeAfter(load.startedAtMs + load.scheduleMs);
    timeline.add({ source: 'load', type: 'end', detail: `${load.arrivals} arrivals, ${load.dropped} dropped` });
    if (options.signal.aborted) throw new InterruptedError('interrupted by signal');
  } catch (error) {
    if (!(error instanceof InterruptedError) && !options.signal.aborted) {
      failure = error;
      errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      logger.error(error instanceof Error ? error.message : String(error));
    }
  } finally {
    options.signal.removeEventListener('abort', onInterrupt);
    await playbook?.stop();
    playbook?.method.finalize(originMs);
    if (playbook && stack) {
      try {
        await playbook.rollback(originMs, !options.signal.aborted && errors.length === 0 && !load?.aborted);
      } catch (error) {
        errors.push(`rollbacks: ${(error as Error).message}`);
      }
    }
    if (faults) {
      // close() waits for injections still in progress, which may add errors: read them after it.
      const cleanup = await faults.close();
      errors.push(...faults.errors, ...cleanup);
    }
    if (stack) usage = await collectUsage(stack);
    try {
      await driver?.[Symbol.asyncDispose]();
    } catch {
      /* the oracle socket may already be gone with the stack */
    }
    try {
      await stack?.teardown();
    } catch (error) {
      errors.push(`teardown: ${(error as Error).message}`);
    }
    registry.close();
  }

  const final = report(options.signal.aborted);
  for (const reporter of options.reporters) await reporter.onRunEnd?.(final, runDir);
  return { report: final, runDir, exitCode: exitCodeFor(final, failure) };
}

/** Errors of the folder itself (bad input) as opposed to the machine's (a full disk stays an infrastructure failure). */
const FOLDER_ERRORS = new Set(['ENOTDIR', 'EACCES', 'EPERM', 'ENAMETOOLONG', 'EEXIST', 'EROFS', 'ELOOP', 'EISDIR']);

async function createRunDir(runDir: string): Promise<void> {
  try {
    await mkdir(runDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!FOLDER_ERRORS.has(code)) throw error;
    const why = (error as Error).message.replace(/^\w+: /, '');
    throw new ReportDirError(`cannot create the report folder ${runDir}: ${why}; choose another with --report-dir or report.dir`, { cause: error });
  }
}

async function collectUsage(stack: RunningStack): Promise<Record<string, { cpuSeconds: number; rssBytes: number } | undefined>> {
  const usage: Record<string, { cpuSeconds: number; rssBytes: number } | undefined> = {};
  // In parallel: the container engine takes about a second per stats call.
  await Promise.all(
    stack.serviceNames.map(async (name) => {
      const state = stack.state(name);
      usage[name] = state.state === 'running' ? await state.usage() : undefined;
    }),
  );
  return usage;
}

function exitCodeFor(report: Report, failure: unknown): number {
  switch (report.verdict) {
    case 'pass':
      return ExitCode.Pass;
    case 'fail':
    case 'not-steady':
    case 'aborted':
      return ExitCode.SloBreached;
    default:
      return failure ? exitCodeOf(failure) : ExitCode.Infrastructure;
  }
}

