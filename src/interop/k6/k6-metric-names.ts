/**
 * k6 metric names as drill SLIs. The exported scripts name their custom metrics after drill's SLIs; k6's own
 * metrics map as `iterations` → arrivals, `dropped_iterations` → dropped_arrivals, and `http_req_duration` /
 * `http_req_failed` keep their names. A `<rate>_count` companion counter is the rate's count and maps to nothing.
 */
import { sliCatalog, type SliDefinition } from '../../sli/catalog.ts';

export type SliTarget =
  { sli: string; role: 'value' } | { sli: 'dropped_arrivals'; role: 'dropped' } | { sli: 'arrivals'; role: 'arrivals' };

const allDefinitions = new Map<string, SliDefinition>(Object.values(sliCatalog).flatMap((defs) => defs.map((d) => [d.name, d] as const)));

/** `reply_latency{phase:baseline}` → { metric: reply_latency, phase: baseline }. */
export function splitSubmetric(key: string): { metric: string; phase: string | undefined } {
  const match = /^([^{]+)\{(.*)\}$/.exec(key);
  if (!match) return { metric: key, phase: undefined };
  const phase = /(?:^|,)\s*phase\s*:\s*([^,}]+)/.exec(match[2]!)?.[1]?.trim();
  return { metric: match[1]!, phase };
}

export function sliOfK6Metric(metric: string): SliTarget | undefined {
  if (metric === 'iterations') return { sli: 'arrivals', role: 'arrivals' };
  if (metric === 'dropped_iterations') return { sli: 'dropped_arrivals', role: 'dropped' };
  return allDefinitions.has(metric) ? { sli: metric, role: 'value' } : undefined;
}

/** The drill SLI a k6 threshold key judges (`replies_missing_count` judges replies_missing's count). */
export function sliOfThresholdMetric(metric: string): string {
  const base = metric.endsWith('_count') ? metric.slice(0, -'_count'.length) : metric;
  if (base !== metric && allDefinitions.get(base)?.kind === 'rate') return base;
  return sliOfK6Metric(metric)?.sli ?? metric;
}

/** The workload whose catalog holds the most of these SLIs (ties: signal, http, wavry). */
export function workloadOf(slis: Iterable<string>): string {
  const names = new Set(slis);
  let best = 'http';
  let bestScore = -1;
  for (const [workload, definitions] of Object.entries(sliCatalog)) {
    const score = definitions.filter(
      (d) => names.has(d.name) && d.name !== 'arrivals' && d.name !== 'dropped_arrivals' && d.name !== 'schedule_lag',
    ).length;
    if (score > bestScore) [best, bestScore] = [workload, score];
  }
  return best;
}
