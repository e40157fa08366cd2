/** Assembles report.json's content from what a run measured. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PhaseReport, Report, SliValue, StepResult, ThresholdResult } from '../report/report-schema.ts';
import { REPORT_SCHEMA_VERSION } from '../report/report-schema.ts';
import { serviceConfig } from '../report/service-config.ts';
import type { ServicePlan } from '../runtime/runtime.ts';
import { packageRoot } from '../scenario/fixture-catalog.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { sliCatalog } from '../sli/catalog.ts';
import type { PhasedSlis } from '../sli/phased-slis.ts';
import type { SeriesRecorder } from '../sli/series-recorder.ts';
import { evaluateThresholds, thresholdSpecs, type ThresholdSpec } from '../sli/threshold-evaluator.ts';
import type { Timeline } from '../sli/timeline.ts';
import type { DriverFindings } from '../load/workload-driver.ts';
import type { LoadLoopResult } from './load-loop.ts';
import { errorBudgets, sloTargets } from '../drills/error-budget.ts';
import type { PlaybookOutcome } from '../drills/playbook.ts';
import { judgeVerdict } from './verdict.ts';

const drillVersion = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

export interface ReportInputs {
  loaded: LoadedScenario;
  runId: string;
  runStartedAtMs: number;
  endedAtMs: number;
  load: LoadLoopResult | undefined;
  slis: PhasedSlis;
  series: SeriesRecorder;
  timeline: Timeline;
  errors: string[];
  interrupted: boolean;
  stackPlans: ServicePlan[];
  usage: Record<string, { cpuSeconds: number; rssBytes: number } | undefined>;
  /** The image each container started from (container runtime). */
  images?: Record<string, { ref: string; id: string }>;
  /** Drill steps (the method) as they ran. */
  steps: StepResult[];
  /** The playbook's steady state, rollbacks and outcome, when the scenario has a method. */
  playbook?: PlaybookOutcome | undefined;
  /** What the workload found about single messages (the messages answered twice). */
  findings?: DriverFindings | undefined;
}

function targetRatePerSecond(inputs: ReportInputs): number {
  const load = inputs.loaded.scenario.load;
  if (load.executor === 'constant-arrival-rate') return (load.rate * 1_000) / load.timeUnit;
  const totalMs = load.stages.reduce((t, s) => t + s.duration, 0);
  let previous = load.startRate;
  let area = 0;
  for (const stage of load.stages) {
    area += ((previous + stage.target) / 2) * (stage.duration / load.timeUnit);
    previous = stage.target;
  }
  return totalMs > 0 ? (area * 1_000) / totalMs : 0;
}

export function buildReport(inputs: ReportInputs): Report {
  const { scenario } = inputs.loaded;
  const definitions = sliCatalog[scenario.workload.type] ?? [];
  const load = inputs.load;
  const loadDurationMs = load ? load.endedAtMs - load.startedAtMs : 0;
  // Per-second rates of the whole run count over the schedule, not the drain after it.
  const slis = inputs.slis.run.summarize(definitions, load?.scheduleMs ?? loadDurationMs, '');
  const phases = inputs.slis.phaseReports(definitions, load?.endedAtMs ?? inputs.endedAtMs);
  const thresholds = judgeThresholds(thresholdSpecs(scenario), slis, phases, inputs);
  const { verdict, reasons } = judgeVerdict({
    interrupted: inputs.interrupted,
    errors: inputs.errors,
    loadRan: load !== undefined,
    loadAborted: load?.aborted ?? false,
    thresholds,
    steps: inputs.steps,
    playbook: inputs.playbook,
    duplicateReplies: inputs.findings?.duplicateReplies,
  });
  const playbook = inputs.playbook;
  return {
    schema: REPORT_SCHEMA_VERSION,
    runId: inputs.runId,
    drillVersion,
    scenario: {
      name: scenario.name,
      file: inputs.loaded.file,
      sha256: inputs.loaded.sha256,
      ...(scenario.description ? { description: scenario.description } : {}),
    },
    release: scenario.release,
    runtime: scenario.runtime,
    seed: scenario.seed,
    startedAtMs: inputs.runStartedAtMs,
    endedAtMs: inputs.endedAtMs,
    verdict,
    reasons,
    services: inputs.stackPlans.map((plan) => ({
      name: plan.name,
      kind: plan.kind,
      release: plan.release,
      source: plan.source.type === 'fixture' ? `fixture:${plan.source.fixture}` : plan.source.type === 'command' ? `command:${plan.source.argv[0]}` : `${plan.source.type}`,
      ports: Object.fromEntries(Object.entries(plan.ports).map(([k, b]) => [k, b.port])),
      ...(inputs.usage[plan.name] ?? {}),
      config: serviceConfig(plan, inputs.stackPlans, inputs.images?.[plan.name]),
    })),
    load: {
      executor: scenario.load.executor,
      targetRate: targetRatePerSecond(inputs),
      achievedRate: load && load.scheduleMs > 0 ? (load.arrivals * 1_000) / load.scheduleMs : 0,
      arrivals: load?.arrivals ?? 0,
      scheduled: load?.scheduled ?? 0,
      dropped: load?.dropped ?? 0,
      durationMs: loadDurationMs,
    },
    slis,
    phases,
    thresholds,
    steps: inputs.steps,
    ...(playbook?.steadyState ? { steadyState: playbook.steadyState } : {}),
    rollbacks: playbook?.rollbacks ?? [],
    ...(playbook?.rollbackStrategy ? { rollbackStrategy: playbook.rollbackStrategy } : {}),
    errorBudget: errorBudgets(sloTargets(scenario.workload.type, scenario.slos), slis, phases),
    ...(inputs.findings?.duplicateReplies ? { duplicateReplies: inputs.findings.duplicateReplies } : {}),
    histograms: inputs.slis.histograms(),
    series: inputs.series.toJSON(load?.endedAtMs ?? inputs.endedAtMs),
    timeline: [...inputs.timeline.events].sort((a, b) => a.atMs - b.atMs),
    errors: inputs.errors,
  };
}

/** Whole-load thresholds against the run's SLIs; `sli{phase:NAME}` ones against that phase's. */
function judgeThresholds(specs: ThresholdSpec[], slis: Record<string, SliValue>, phases: PhaseReport[], inputs: ReportInputs): ThresholdResult[] {
  const notJudged = (spec: ThresholdSpec, note: string): ThresholdResult => ({
    sli: spec.sli,
    expression: spec.expression.source,
    phase: spec.phase ?? 'run',
    observed: null,
    pass: false,
    abortOnFail: spec.abortOnFail,
    note,
  });
  return specs.map((spec) => {
    if (!inputs.load) return notJudged(spec, 'the load did not run');
    if (spec.phase === undefined) return evaluateThresholds([spec], slis, (sli) => inputs.slis.run.trends.get(sli))[0]!;
    const phase = phases.find((p) => p.name === spec.phase);
    const set = inputs.slis.phaseSets.find((p) => p.name === spec.phase)?.set;
    if (!phase || !set) return notJudged(spec, `phase ${spec.phase} did not run`);
    return evaluateThresholds([spec], phase.slis, (sli) => set.trends.get(sli), spec.phase)[0]!;
  });
}
