/**
 * Several runs of one release pooled into one body of evidence: per window (the whole load, `run`, and each
 * phase by name) histograms merged, rate events and totals summed, counters summed with their exposure
 * (arrivals, or seconds when arrivals were not counted), gauges' extremes kept.
 */
import { LatencyHistogram } from '../load/latency-histogram.ts';
import type { Report, SliValue } from '../report/report-schema.ts';

export type PooledSli =
  | { kind: 'trend'; unit: string; histogram: LatencyHistogram; perRun: RunQuantiles[] }
  | { kind: 'rate'; unit: string; bad: number; total: number }
  | { kind: 'counter'; unit: string; count: number }
  | { kind: 'gauge'; unit: string; min: number; max: number; avg: number; value: number; runs: number };

/** A trend's median, p95 and p99 in one run, ms: the run-to-run spread of a pooled baseline. */
export interface RunQuantiles {
  p50: number;
  p95: number;
  p99: number;
}

export interface PooledWindow {
  /** `run` for the whole load, else the phase name. */
  name: string;
  durationMs: number;
  /** Arrivals started in the window, summed over runs (the exposure of counters). */
  arrivals: number;
  slis: Map<string, PooledSli>;
}

export interface ReportPool {
  scenario: string;
  release: string;
  runIds: string[];
  /** The first report, for what does not pool (services' configuration, scenario file). */
  first: Report;
  windows: PooledWindow[];
}

/** Pools reports of one scenario; throws when they are of different scenarios or none was given. */
export function poolReports(reports: readonly Report[]): ReportPool {
  const first = reports[0];
  if (!first) throw new RangeError('nothing to pool: no report');
  const scenarios = new Set(reports.map((r) => r.scenario.name));
  if (scenarios.size > 1) throw new RangeError(`cannot pool runs of different scenarios: ${[...scenarios].join(', ')}`);
  const windows = new Map<string, PooledWindow>();
  for (const report of reports) {
    const decoded = new Map<string, LatencyHistogram>();
    const histogram = (name: string | undefined) => {
      if (!name || !report.histograms[name]) return undefined;
      if (!decoded.has(name)) decoded.set(name, LatencyHistogram.fromJSON(report.histograms[name]));
      return decoded.get(name);
    };
    addWindow(windows, 'run', report.load.durationMs, report.slis, histogram);
    for (const phase of report.phases) {
      if (phase.name === 'run') continue;
      addWindow(windows, phase.name, phase.endMs - phase.startMs, phase.slis, histogram);
    }
  }
  const releases = [...new Set(reports.map((r) => r.release))];
  return { scenario: first.scenario.name, release: releases.join('+'), runIds: reports.map((r) => r.runId), first, windows: [...windows.values()] };
}

function addWindow(
  windows: Map<string, PooledWindow>,
  name: string,
  durationMs: number,
  slis: Record<string, SliValue>,
  histogram: (name: string | undefined) => LatencyHistogram | undefined,
): void {
  let window = windows.get(name);
  if (!window) windows.set(name, (window = { name, durationMs: 0, arrivals: 0, slis: new Map() }));
  window.durationMs += durationMs;
  window.arrivals += slis['arrivals']?.count ?? 0;
  for (const [sli, value] of Object.entries(slis)) {
    const pooled = window.slis.get(sli);
    const next = pooledValue(value, pooled, histogram(value.histogram));
    if (next) window.slis.set(sli, next);
  }
}

function pooledValue(value: SliValue, pooled: PooledSli | undefined, histogram: LatencyHistogram | undefined): PooledSli | undefined {
  const unit = value.unit;
  switch (value.kind) {
    case 'trend': {
      if (!histogram) return pooled;
      const run = { p50: histogram.percentileMs(50), p95: histogram.percentileMs(95), p99: histogram.percentileMs(99) };
      if (pooled?.kind !== 'trend') {
        const empty = new LatencyHistogram({ lowestUs: histogram.lowestUs, highestUs: histogram.highestUs, significantDigits: histogram.significantDigits });
        return { kind: 'trend', unit, histogram: empty.merge(histogram), perRun: histogram.count > 0 ? [run] : [] };
      }
      pooled.histogram.merge(histogram);
      if (histogram.count > 0) pooled.perRun.push(run);
      return pooled;
    }
    case 'rate': {
      const prior = pooled?.kind === 'rate' ? pooled : { bad: 0, total: 0 };
      return { kind: 'rate', unit, bad: prior.bad + (value.count ?? 0), total: prior.total + (value.total ?? 0) };
    }
    case 'counter':
      return { kind: 'counter', unit, count: (pooled?.kind === 'counter' ? pooled.count : 0) + (value.count ?? 0) };
    case 'gauge': {
      const v = { min: value.min ?? value.value ?? 0, max: value.max ?? value.value ?? 0, avg: value.avg ?? value.value ?? 0, value: value.value ?? 0 };
      if (pooled?.kind !== 'gauge') return { kind: 'gauge', unit, ...v, runs: 1 };
      const runs = pooled.runs + 1;
      return { kind: 'gauge', unit, min: Math.min(pooled.min, v.min), max: Math.max(pooled.max, v.max), avg: (pooled.avg * pooled.runs + v.avg) / runs, value: v.value, runs };
    }
  }
}
