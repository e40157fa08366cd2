/**
 * drill's thresholds in k6's grammar. The expressions are already k6's; what differs is which aggregations k6
 * accepts per metric type (counter: count, rate; gauge: value; rate: rate; trend: avg, min, max, med, p(N)). A
 * drill `count` on a rate SLI judges the bad events, which the script also counts in the counter `<sli>_count`;
 * `dropped_arrivals` is k6's own `dropped_iterations`. Anything else is listed as not exported, never dropped.
 */
import { sliDefinition, type SliKind } from '../../sli/catalog.ts';
import { parseThresholdExpression } from '../../scenario/threshold-expression.ts';
import type { Scenario } from '../../scenario/scenario-schema.ts';
import { parseThresholdKey } from '../../scenario/threshold-key.ts';

export interface K6Threshold {
  threshold: string;
  abortOnFail: boolean;
  /** k6 duration, e.g. `5000ms`. */
  delayAbortEval?: string;
}

export interface ThresholdMapping {
  /** k6 metric name (with a `{phase:NAME}` sub-metric selector when phased) → expressions. */
  thresholds: Record<string, (string | K6Threshold)[]>;
  /** `sli: expression: why` for each threshold k6 cannot judge. */
  notExported: string[];
}

const K6_AGGREGATIONS: Record<SliKind, readonly string[]> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'max', 'med', 'percentile'],
};

/** The k6 metric a drill SLI and aggregation are judged on, or why there is none. */
function k6MetricFor(workload: string, sli: string, aggregation: string, produced: ReadonlySet<string>): string | { why: string } {
  if (sli === 'dropped_arrivals')
    return aggregation === 'count' ? 'dropped_iterations' : { why: 'k6 counts dropped_iterations; only `count` maps' };
  const definition = sliDefinition(workload, sli);
  if (!definition) return { why: `not an SLI of the ${workload} workload` };
  if (!produced.has(sli)) return { why: 'the k6 script does not measure it' };
  if (definition.kind === 'rate' && aggregation === 'count') return `${sli}_count`;
  if (!K6_AGGREGATIONS[definition.kind].includes(aggregation)) {
    return { why: `k6 has no \`${aggregation}\` on a ${definition.kind} (it has ${K6_AGGREGATIONS[definition.kind].join(', ')})` };
  }
  return sli;
}

export function mapThresholds(scenario: Scenario, produced: ReadonlySet<string>): ThresholdMapping {
  const mapping: ThresholdMapping = { thresholds: {}, notExported: [] };
  for (const [key, entries] of Object.entries(scenario.thresholds)) {
    const { sli, phase } = parseThresholdKey(key);
    for (const entry of entries) {
      const source = typeof entry === 'string' ? entry : entry.threshold;
      const parsed = parseThresholdExpression(source);
      if (typeof parsed === 'string') continue; // refused by the loader already
      const metric = k6MetricFor(scenario.workload.type, sli, parsed.aggregation.kind, produced);
      if (typeof metric !== 'string') {
        mapping.notExported.push(`${key}: ${source}: ${metric.why}`);
        continue;
      }
      const name = phase === undefined ? metric : `${metric}{phase:${phase}}`;
      const k6Entry: string | K6Threshold =
        typeof entry === 'string' || !entry.abortOnFail
          ? source
          : { threshold: source, abortOnFail: true, ...(entry.delayAbortEval > 0 ? { delayAbortEval: `${entry.delayAbortEval}ms` } : {}) };
      (mapping.thresholds[name] ??= []).push(k6Entry);
    }
  }
  return mapping;
}
