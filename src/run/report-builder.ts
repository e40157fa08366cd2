/** Assembles report.json's content from what a run measured. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '../report/report-schema.ts';
import { REPORT_SCHEMA_VERSION } from '../report/report-schema.ts';
import type { ServicePlan } from '../runtime/runtime.ts';
import { packageRoot } from '../scenario/fixture-catalog.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import { sliCatalog } from '../sli/catalog.ts';
import type { PhasedSlis } from '../sli/phased-slis.ts';
import type { SeriesRecorder } from '../sli/series-recorder.ts';
import { evaluateThresholds, thresholdSpecs } from '../sli/threshold-evaluator.ts';
import type { Timeline } from '../sli/timeline.ts';
import type { LoadLoopResult } from './load-loop.ts';

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
  const specs = thresholdSpecs(scenario);
  const thresholds = load
    ? evaluateThresholds(specs, slis, (sli) => inputs.slis.run.trends.get(sli))
    : specs.map((s) => ({ sli: s.sli, expression: s.expression.source, phase: 'run', observed: null, pass: false, abortOnFail: s.abortOnFail, note: 'the load did not run' }));
  const verdict: Report['verdict'] = inputs.interrupted
    ? 'interrupted'
    : inputs.errors.length || !load
      ? 'error'
      : load.aborted
        ? 'aborted'
        : thresholds.every((t) => t.pass)
          ? 'pass'
          : 'fail';
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
    services: inputs.stackPlans.map((plan) => ({
      name: plan.name,
      kind: plan.kind,
      release: plan.release,
      source: plan.source.type === 'fixture' ? `fixture:${plan.source.fixture}` : plan.source.type === 'command' ? `command:${plan.source.argv[0]}` : `${plan.source.type}`,
      ports: Object.fromEntries(Object.entries(plan.ports).map(([k, b]) => [k, b.port])),
      ...(inputs.usage[plan.name] ?? {}),
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
    histograms: inputs.slis.histograms(),
    series: inputs.series.toJSON(load?.endedAtMs ?? inputs.endedAtMs),
    timeline: [...inputs.timeline.events].sort((a, b) => a.atMs - b.atMs),
    errors: inputs.errors,
  };
}
