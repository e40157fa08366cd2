/**
 * `drill capacity`: reap what dead runs left, then for each configuration (one, or one per `vary` value) start
 * the stack once, sweep it, and with `failover` stop part of the pool and sweep what is left; write
 * capacity.json and capacity.md (and the HTML page), keep the run in the history, trend it against the previous
 * release's capacity, and tear everything down on every path (success, failure, interrupt).
 */
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { exitCodeOf } from '../common/errors.ts';
import { silentLogger, type Logger } from '../common/logger.ts';
import { HistoryStore } from '../compare/history-store.ts';
import { dockerContainerRemover } from '../runtime/docker/container-remover.ts';
import { runtimeFor } from '../runtime/runtime-for.ts';
import { reapDeadRuns, RunRegistry } from '../runtime/run-registry.ts';
import { RunningStack } from '../runtime/stack.ts';
import { directLinks, planStack } from '../runtime/stack-plan.ts';
import { newRunId } from '../run/run-id.ts';
import { capacitySchema, VARY_ENV_KEY, VARY_REPLICAS_KEY, type CapacitySpec } from '../scenario/capacity-schema.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { capacityReportSchema, type CapacityReport, type CapacityStep, type CapacitySweep } from './capacity-report-schema.ts';
import { sweepCapacity } from './capacity-sweep.ts';
import { stopForFailover } from './failover-stop.ts';
import { exitCodeOfCapacity, failoverOf, fullSweeps, headroomOf, scalingOf, trendOf, verdictOf } from './capacity-verdict.ts';
import { writeCapacityFiles, writeCapacityFilesSync } from './capacity-files.ts';

export interface CapacityOptions {
  cwd: string;
  logger?: Logger;
  /** Aborted on SIGINT/SIGTERM: the step stops, the sweep ends, the report is written (interrupted), the stack torn down. */
  signal: AbortSignal;
  /** One line per step, as it ends. */
  onStep?: (sweep: string, step: CapacityStep) => void;
  /** Once per sweep, when it starts on the running stack. */
  onSweepStart?: (sweep: string, startRate: number) => void;
  stateDir?: string;
  onHardStop?: (writeReportNow: () => void) => void;
}

export interface CapacityOutcome {
  report: CapacityReport;
  runDir: string;
  exitCode: number;
}

const UNITS: Record<string, string> = { signal: 'messages/s', wavry: 'sessions/s', http: 'requests/s' };

interface Configuration {
  label: string;
  scenario: Scenario;
  vary?: { key: string; value: string };
  /** Instances of a service to run (`scale`) before the sweep. */
  replicas?: { service: string; count: number };
}

/** One configuration per `vary` value (the service's env set to it, or that many instances), or the scenario itself. */
export function configurations(scenario: Scenario, spec: CapacitySpec): Configuration[] {
  const entry = Object.entries(spec.vary ?? {})[0];
  if (!entry) return [{ label: 'all services', scenario }];
  const [key, values] = entry;
  const replicated = VARY_REPLICAS_KEY.exec(key)?.[1];
  if (replicated) {
    return values.map((value) => ({ label: `${replicated} ×${value}`, scenario, vary: { key, value }, replicas: { service: replicated, count: Number(value) } }));
  }
  const [, service, variable] = VARY_ENV_KEY.exec(key)!;
  return values.map((value) => {
    const copy = structuredClone(scenario);
    copy.services[service!]!.env[variable!] = value;
    return { label: `${variable}=${value}`, scenario: copy, vary: { key, value } };
  });
}

export async function runCapacity(loaded: LoadedScenario, options: CapacityOptions): Promise<CapacityOutcome> {
  const { scenario } = loaded;
  const spec = scenario.capacity ?? capacitySchema.parse({});
  const logger = options.logger ?? silentLogger;
  await reapDeadRuns({ ...(options.stateDir ? { stateDir: options.stateDir } : {}), logger, removeContainers: dockerContainerRemover(logger) });
  const runId = newRunId(scenario.name);
  const reportRoot = path.resolve(options.cwd, scenario.report.dir);
  const runDir = path.join(reportRoot, runId);
  await mkdir(runDir, { recursive: true });
  const history = new HistoryStore(path.join(reportRoot, 'history'));
  const previous = await previousCapacity(history, scenario);
  const registry = RunRegistry.open(runId, loaded.file, options.stateDir);
  const startedAtMs = Date.now();
  const sweeps: CapacitySweep[] = [];
  const errors: string[] = [];
  let failure: unknown;
  const build = (interrupted: boolean) => assemble({ loaded, spec, runId, startedAtMs, sweeps, errors, interrupted, previous });
  options.onHardStop?.(() => writeCapacityFilesSync(runDir, build(true)));

  try {
    for (const configuration of configurations(scenario, spec)) {
      if (options.signal.aborted) break;
      await measureConfiguration(configuration, { spec, runDir, registry, logger, options, sweeps });
    }
  } catch (error) {
    if (!options.signal.aborted) {
      failure = error;
      errors.push(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      logger.error(error instanceof Error ? error.message : String(error));
    }
  } finally {
    registry.close();
  }
  const report = build(options.signal.aborted);
  await writeCapacityFiles(runDir, report);
  if (!report.interrupted && report.verdict !== 'error') await history.saveCapacity(scenario.name, scenario.release, runId, report);
  const exitCode = failure && report.verdict === 'error' ? exitCodeOf(failure) : exitCodeOfCapacity(report.verdict);
  return { report, runDir, exitCode };
}

interface MeasureContext {
  spec: CapacitySpec;
  runDir: string;
  registry: RunRegistry;
  logger: Logger;
  options: CapacityOptions;
  sweeps: CapacitySweep[];
}

/** Starts the configuration's stack once, sweeps it, then (failover) stops part of the pool and sweeps the rest. */
async function measureConfiguration(configuration: Configuration, context: MeasureContext): Promise<void> {
  const { scenario } = configuration;
  const { spec, logger, options } = context;
  const dir = configuration.vary ? path.join(context.runDir, configuration.label.replace(/[^\w.=-]+/g, '_')) : context.runDir;
  const plans = await planStack(scenario, dir, directLinks);
  const runtime = await runtimeFor(scenario.runtime, context.registry, logger);
  const stack = await RunningStack.start(runtime, plans, { logger, signal: options.signal });
  try {
    if (configuration.replicas && configuration.replicas.count > 1) await stack.scale(configuration.replicas.service, configuration.replicas.count);
    const common = { scenario, spec, stack, signal: options.signal, logger, onStep: options.onStep ?? (() => undefined), ...(options.onSweepStart ? { onSweepStart: options.onSweepStart } : {}), ...(configuration.vary ? { vary: configuration.vary } : {}) };
    context.sweeps.push(await sweepCapacity({ ...common, label: configuration.label, stopped: [] }));
    const stop = spec.failover?.stop ?? [];
    if (stop.length > 0 && !options.signal.aborted) {
      await stopForFailover(stack, scenario, stop);
      const label = `${configuration.vary ? `${configuration.label}, ` : ''}failover: ${stop.join(', ')} stopped`;
      context.sweeps.push(await sweepCapacity({ ...common, label, stopped: stop }));
    }
  } finally {
    await stack.teardown();
  }
}

async function previousCapacity(history: HistoryStore, scenario: Scenario): Promise<{ release: string; runId: string; capacity: number | null } | undefined> {
  const runs = (await history.capacityRuns(scenario.name).catch(() => [])).filter((r) => r.release !== scenario.release);
  for (const run of runs.reverse()) {
    try {
      const parsed = capacityReportSchema.safeParse(JSON.parse(readFileSync(run.file, 'utf8')));
      if (parsed.success) return { release: run.release, runId: run.runId, capacity: fullSweeps(parsed.data.sweeps)[0]?.capacity ?? null };
    } catch {
      /* an unreadable capacity.json in the history is skipped: the trend uses the next one */
    }
  }
  return undefined;
}

interface AssembleInput {
  loaded: LoadedScenario;
  spec: CapacitySpec;
  runId: string;
  startedAtMs: number;
  sweeps: CapacitySweep[];
  errors: string[];
  interrupted: boolean;
  previous: { release: string; runId: string; capacity: number | null } | undefined;
}

function assemble(input: AssembleInput): CapacityReport {
  const { loaded, spec } = input;
  const { scenario } = loaded;
  const unit = UNITS[scenario.workload.type] ?? 'arrivals/s';
  const sweeps = [...input.sweeps];
  const headroom = headroomOf(sweeps, spec.peak, spec.headroom, unit);
  const failover = failoverOf(sweeps, spec.peak, unit);
  const partial = { sweeps, interrupted: input.interrupted, headroom, failover, errors: [...input.errors] };
  return {
    kind: 'capacity',
    version: 1,
    runId: input.runId,
    scenario: { name: scenario.name, file: loaded.file, sha256: loaded.sha256 },
    release: scenario.release,
    workload: scenario.workload.type,
    unit,
    startedAtMs: input.startedAtMs,
    endedAtMs: Date.now(),
    interrupted: input.interrupted,
    settings: {
      start: spec.start,
      factor: spec.increment === undefined ? (spec.factor ?? 2) : null,
      increment: spec.increment ?? null,
      max: spec.max,
      holdMs: spec.hold,
      warmupMs: spec.warmup,
      resolution: spec.resolution,
      maxSteps: spec.maxSteps,
      maxDurationMs: spec.maxDuration,
      lagBoundMs: spec.lagBound,
      peak: spec.peak ?? null,
      headroom: spec.headroom,
    },
    sweeps,
    scaling: scalingOf(sweeps),
    headroom,
    failover,
    trend: trendOf(scenario.release, fullSweeps(sweeps)[0]?.capacity ?? null, input.previous),
    verdict: verdictOf(partial),
    errors: partial.errors,
  };
}
