/** Judges k6-style thresholds against SLI values; percentiles not precomputed are read from the histogram. */
import type { SliValue, ThresholdResult } from '../report/report-schema.ts';
import { compare, parseThresholdExpression, type ThresholdExpression } from '../scenario/threshold-expression.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { parseThresholdKey } from '../scenario/threshold-key.ts';
import type { TrendHistogram } from './sli-set.ts';

export interface ThresholdSpec {
  sli: string;
  /** The phase judged (`sli{phase:NAME}`); undefined: the whole load. */
  phase: string | undefined;
  expression: ThresholdExpression;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

/** Thresholds of a scenario, already validated at load time. */
export function thresholdSpecs(scenario: Scenario): ThresholdSpec[] {
  return Object.entries(scenario.thresholds).flatMap(([key, entries]) =>
    entries.map((entry) => {
      const { sli, phase } = parseThresholdKey(key);
      const source = typeof entry === 'string' ? entry : entry.threshold;
      const parsed = parseThresholdExpression(source);
      if (typeof parsed === 'string') throw new Error(`threshold ${key}: ${parsed}`); // rejected by the loader already
      return {
        sli,
        phase,
        expression: parsed,
        abortOnFail: typeof entry === 'string' ? false : entry.abortOnFail,
        delayAbortEvalMs: typeof entry === 'string' ? 0 : entry.delayAbortEval,
      };
    }),
  );
}

export function observe(expression: ThresholdExpression, value: SliValue | undefined, histogram?: TrendHistogram): number | null {
  if (!value) return null;
  const agg = expression.aggregation;
  switch (agg.kind) {
    case 'percentile': {
      if (!value.count) return null;
      const stored = value.percentiles?.[`p${agg.percentile}`];
      return stored ?? histogram?.percentileMs(agg.percentile) ?? null;
    }
    case 'avg':
      return value.avg ?? null;
    case 'min':
      return value.min ?? null;
    case 'max':
      return value.max ?? null;
    case 'med':
      return value.percentiles?.p50 ?? histogram?.percentileMs(50) ?? null;
    case 'count':
      return value.count ?? null;
    case 'rate':
      return value.rate ?? null;
    case 'value':
      return value.value ?? null;
  }
}

export function evaluateThresholds(
  specs: ThresholdSpec[],
  slis: Record<string, SliValue>,
  histograms: (sli: string) => TrendHistogram | undefined,
  phase = 'run',
): ThresholdResult[] {
  return specs.map((spec) => {
    const observed = observe(spec.expression, slis[spec.sli], histograms(spec.sli));
    const base = { sli: spec.sli, expression: spec.expression.source, phase, abortOnFail: spec.abortOnFail };
    if (observed === null) {
      // No data: rates and counters with no events are 0 (nothing went wrong); trends with no samples fail.
      const zeroIsValid = ['count', 'rate'].includes(spec.expression.aggregation.kind);
      const pass = zeroIsValid && compare(0, spec.expression.comparator, spec.expression.value);
      return { ...base, observed: zeroIsValid ? 0 : null, pass, ...(zeroIsValid ? {} : { note: 'no samples' }) };
    }
    return { ...base, observed, pass: compare(observed, spec.expression.comparator, spec.expression.value) };
  });
}
