/**
 * `drill import k6`: a k6 run as a drill report.json (the schema of drill's own runs). SLIs come from the raw
 * samples of the JSON output when given (histograms rebuilt and merged across runners, per-phase values from the
 * `phase` tag), else from the summary. The thresholds are the ones k6 judged, judged again on the merged samples.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { PhaseReport, Report, SliValue, ThresholdResult } from '../../report/report-schema.ts';
import { REPORT_SCHEMA_VERSION } from '../../report/report-schema.ts';
import { packageRoot } from '../../scenario/fixture-catalog.ts';
import type { LoadedScenario } from '../../scenario/scenario-loader.ts';
import { compare, parseThresholdExpression } from '../../scenario/threshold-expression.ts';
import { sliCatalog } from '../../sli/catalog.ts';
import { observe } from '../../sli/threshold-evaluator.ts';
import type { ImportedSamples } from './k6-json-output-reader.ts';
import { sliOfThresholdMetric, splitSubmetric, workloadOf } from './k6-metric-names.ts';
import type { K6Summary } from './k6-summary-reader.ts';
import { summaryPhases, summarySlis } from './summary-slis.ts';
import { expectedArrivals, rateProfile } from './rate-profile.ts';
import { scheduleMs } from './phase-windows.ts';

export interface ImportInputs {
  summary: K6Summary;
  /** Samples of the runners' JSON output, if given. */
  samples: ImportedSamples | undefined;
  /** The scenario the k6 test was exported from, for its name, release, seed and schedule. */
  scenario: LoadedScenario | undefined;
  /** Epoch ms the import ran (run id, and the time of a summary-only import). */
  nowMs: number;
}

const drillVersion = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

function durationMsOf(inputs: ImportInputs): number {
  if (inputs.samples && inputs.samples.points > 0) return inputs.samples.lastMs - inputs.samples.firstMs;
  const iterations = inputs.summary.metrics.find((m) => m.key === 'iterations')?.values;
  return iterations?.['rate'] ? ((iterations['count'] ?? 0) / iterations['rate']) * 1_000 : 0;
}

function windows(
  inputs: ImportInputs,
  workload: string,
  durationMs: number,
): { slis: Record<string, SliValue>; phases: PhaseReport[]; histograms: Report['histograms'] } {
  const definitions = sliCatalog[workload] ?? [];
  const { samples } = inputs;
  if (samples && samples.points > 0) {
    // A phase runs from its first sample to the next phase's first (late answers of its arrivals still count in it).
    const sorted = [...samples.phases.values()].sort((a, b) => a.firstMs - b.firstMs);
    const phases = sorted.map((p, i) => {
      const endMs = sorted[i + 1]?.firstMs ?? samples.lastMs;
      return {
        name: p.set.name,
        startMs: p.firstMs - samples.firstMs,
        endMs: endMs - samples.firstMs,
        slis: p.set.summarize(definitions, endMs - p.firstMs, `${p.set.name}/`),
      };
    });
    const histograms = Object.assign(
      {},
      samples.run.histograms(''),
      ...[...samples.phases.values()].map((p) => p.set.histograms(`${p.set.name}/`)),
    );
    return { slis: samples.run.summarize(definitions, durationMs, ''), phases, histograms };
  }
  const phases = summaryPhases(inputs.summary).map((name) => ({
    name,
    startMs: 0,
    endMs: durationMs,
    slis: summarySlis(inputs.summary, definitions, name),
  }));
  return { slis: summarySlis(inputs.summary, definitions, undefined), phases, histograms: {} };
}

/**
 * The thresholds k6 judged. With raw samples they are judged again on the samples of every runner together (one
 * runner's summary judged only its segment); without, k6's verdict stands.
 */
function thresholds(summary: K6Summary, slis: Record<string, SliValue>, phases: PhaseReport[], fromSamples: boolean): ThresholdResult[] {
  return summary.metrics.flatMap((metric) => {
    const { metric: name, phase } = splitSubmetric(metric.key);
    const sli = sliOfThresholdMetric(name);
    const window = phase === undefined ? slis : phases.find((p) => p.name === phase)?.slis;
    return Object.entries(metric.thresholds).map(([expression, failed]) => {
      const parsed = parseThresholdExpression(expression);
      const observed = typeof parsed === 'string' ? null : observe(parsed, window?.[sli]);
      const base = { sli, expression, phase: phase ?? 'run', observed, abortOnFail: false };
      if (observed === null || typeof parsed === 'string') return { ...base, pass: !failed, note: 'judged by k6; no value in the import' };
      if (!fromSamples) return { ...base, pass: !failed };
      const pass = compare(observed, parsed.comparator, parsed.value);
      return { ...base, pass, ...(pass === !failed ? {} : { note: `k6 judged ${failed ? 'fail' : 'pass'} on one runner's samples` }) };
    });
  });
}

export function buildImportedReport(inputs: ImportInputs): Report {
  const durationMs = durationMsOf(inputs);
  const names = [...inputs.summary.metrics.map((m) => splitSubmetric(m.key).metric), ...(inputs.samples?.run.trends.keys() ?? [])];
  const scenario = inputs.scenario?.scenario;
  const workload = scenario?.workload.type ?? workloadOf(names);
  const { slis, phases, histograms } = windows(inputs, workload, durationMs);
  const judged = thresholds(inputs.summary, slis, phases, (inputs.samples?.points ?? 0) > 0);
  const dropped = slis['dropped_arrivals'];
  const arrivals = slis['arrivals']?.count ?? 0;
  const startedAtMs = inputs.samples && inputs.samples.points > 0 ? inputs.samples.firstMs : inputs.nowMs - durationMs;
  const targetRate = scenario
    ? (expectedArrivals(rateProfile(scenario.load)) * 1_000) / scheduleMs(scenario.load)
    : durationMs > 0
      ? (arrivals * 1_000) / durationMs
      : 0;
  const sha256 = createHash('sha256').update(inputs.summary.text).digest('hex');
  return {
    schema: REPORT_SCHEMA_VERSION,
    runId: `k6-${scenario?.name ?? path.basename(inputs.summary.file, '.json')}-${new Date(inputs.nowMs).toISOString().replace(/[:.]/g, '-')}`,
    drillVersion,
    scenario: {
      name: scenario?.name ?? 'k6',
      file: inputs.scenario?.file ?? inputs.summary.file,
      sha256: inputs.scenario?.sha256 ?? sha256,
      description: `imported from k6: ${[inputs.summary.file, ...(inputs.samples ? [`${inputs.samples.runners.size} runner(s) of JSON output`] : [])].join(', ')}`,
    },
    release: scenario?.release ?? 'unknown',
    runtime: 'k6',
    seed: scenario?.seed ?? 0,
    startedAtMs,
    endedAtMs: startedAtMs + durationMs,
    verdict: judged.every((t) => t.pass) ? 'pass' : 'fail',
    reasons: judged
      .filter((t) => !t.pass)
      .map((t) => ({ code: 'threshold', message: `${t.sli} ${t.expression} breached (phase ${t.phase})`, observed: t.observed === null ? (t.note ?? 'no value') : String(t.observed) })),
    rollbacks: [],
    errorBudget: [],
    services: [],
    load: {
      executor: scenario?.load.executor ?? 'k6',
      targetRate,
      achievedRate: durationMs > 0 ? (arrivals * 1_000) / durationMs : 0,
      arrivals,
      scheduled: arrivals + (dropped?.count ?? 0),
      dropped: dropped?.count ?? 0,
      durationMs,
    },
    slis,
    phases,
    thresholds: judged,
    steps: [],
    histograms,
    series: { intervalMs: 1_000, columns: ['tMs'], rows: [] },
    timeline: [{ tMs: 0, atMs: startedAtMs, source: 'harness', type: 'k6-import', detail: `summary ${inputs.summary.file}` }],
    errors: [],
  };
}
