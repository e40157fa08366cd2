/**
 * k6's threshold grammar: `agg op value`, e.g. `p(95)<500`, `rate<0.01`, `count<1`, `max<=2000`.
 * Parsed once at load time into a structure the evaluator uses.
 */
export type Aggregation =
  | { kind: 'percentile'; percentile: number }
  | { kind: 'avg' | 'min' | 'med' | 'max' | 'count' | 'rate' | 'value' };
export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface ThresholdExpression {
  source: string;
  aggregation: Aggregation;
  comparator: Comparator;
  value: number;
}

const EXPRESSION = /^\s*(p\(\s*(\d+(?:\.\d+)?)\s*\)|avg|min|med|max|count|rate|value)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/;

export function parseThresholdExpression(source: string): ThresholdExpression | string {
  const match = EXPRESSION.exec(source);
  if (!match) {
    return `expected "<aggregation> <operator> <number>" such as "p(95)<500", "rate<0.01" or "count<1" (aggregations p(N), avg, min, med, max, count, rate, value; operators < <= > >= == !=), got "${source}"`;
  }
  const [, agg, percentile, comparator, value] = match;
  if (percentile !== undefined) {
    const p = Number(percentile);
    if (p <= 0 || p > 100) return `percentile must be in (0, 100], got ${p} in "${source}"`;
    return { source, aggregation: { kind: 'percentile', percentile: p }, comparator: comparator as Comparator, value: Number(value) };
  }
  return {
    source,
    aggregation: { kind: agg as 'avg' },
    comparator: comparator as Comparator,
    value: Number(value),
  };
}

export function compare(observed: number, comparator: Comparator, limit: number): boolean {
  switch (comparator) {
    case '<':
      return observed < limit;
    case '<=':
      return observed <= limit;
    case '>':
      return observed > limit;
    case '>=':
      return observed >= limit;
    case '==':
      return observed === limit;
    case '!=':
      return observed !== limit;
  }
}
