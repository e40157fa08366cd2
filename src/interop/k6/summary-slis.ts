/**
 * drill SLI values from a k6 summary alone (no raw samples): trends keep k6's statistics and percentiles but no
 * histogram; rates count passes as drill's counted events (`count`), passes + fails as `total`.
 */
import type { SliValue } from '../../report/report-schema.ts';
import type { SliDefinition } from '../../sli/catalog.ts';
import type { K6Summary } from './k6-summary-reader.ts';
import { splitSubmetric } from './k6-metric-names.ts';

function percentilesOf(values: Record<string, number>): Record<string, number> {
  const percentiles: Record<string, number> = {};
  if (values['med'] !== undefined) percentiles['p50'] = values['med'];
  for (const [key, value] of Object.entries(values)) {
    const match = /^p\((\d+(?:\.\d+)?)\)$/.exec(key);
    if (match) percentiles[`p${Number(match[1])}`] = value;
  }
  return percentiles;
}

function valueOf(definition: SliDefinition, values: Record<string, number>): SliValue {
  const base = { kind: definition.kind, unit: definition.unit };
  const pick = (...names: string[]) => Object.fromEntries(names.filter((n) => values[n] !== undefined).map((n) => [n, values[n]!]));
  switch (definition.kind) {
    case 'trend':
      return { ...base, ...pick('count', 'min', 'max', 'avg'), percentiles: percentilesOf(values) };
    case 'rate': {
      const passes = values['passes'] ?? 0;
      const total = passes + (values['fails'] ?? 0);
      return { ...base, count: passes, total, rate: values['value'] ?? (total > 0 ? passes / total : 0) };
    }
    case 'counter':
      return { ...base, ...pick('count', 'rate') };
    case 'gauge':
      return { ...base, ...pick('value', 'min', 'max') };
  }
}

/** SLI values of one window: the whole run (`phase` undefined) or the sub-metrics tagged with that phase. */
export function summarySlis(summary: K6Summary, definitions: SliDefinition[], phase: string | undefined): Record<string, SliValue> {
  const slis: Record<string, SliValue> = {};
  for (const metric of summary.metrics) {
    const key = splitSubmetric(metric.key);
    if (key.phase !== phase || (phase === undefined && key.metric !== metric.key)) continue;
    const name = key.metric === 'dropped_iterations' ? 'dropped_arrivals' : key.metric === 'iterations' ? 'arrivals' : key.metric;
    const definition = definitions.find((d) => d.name === name);
    if (!definition) continue;
    if (name === 'dropped_arrivals') {
      const dropped = metric.values['count'] ?? 0;
      const iterations = summary.metrics.find((m) => m.key === 'iterations')?.values['count'] ?? 0;
      slis[name] = {
        kind: 'rate',
        unit: definition.unit,
        count: dropped,
        total: dropped + iterations,
        rate: dropped + iterations > 0 ? dropped / (dropped + iterations) : 0,
      };
    } else {
      slis[name] = valueOf(definition, metric.values);
    }
  }
  // k6 reports dropped_iterations only once one dropped: none dropped is a rate of 0.
  const iterations = summary.metrics.find((m) => m.key === (phase === undefined ? 'iterations' : `iterations{phase:${phase}}`));
  const dropped = definitions.find((d) => d.name === 'dropped_arrivals');
  if (!slis['dropped_arrivals'] && iterations && dropped) {
    slis['dropped_arrivals'] = { kind: 'rate', unit: dropped.unit, count: 0, total: iterations.values['count'] ?? 0, rate: 0 };
  }
  return slis;
}

/** Phases named by the summary's `{phase:NAME}` sub-metrics. */
export function summaryPhases(summary: K6Summary): string[] {
  return [...new Set(summary.metrics.map((m) => splitSubmetric(m.key).phase).filter((p): p is string => p !== undefined))];
}
