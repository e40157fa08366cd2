/**
 * Rollback thresholds in the words operators use, relative to the baseline release:
 *
 *   reply_latency p(95) > 2x baseline
 *   dlq_growth > baseline
 *   handshake_failures > baseline + 1pt
 *   session_setup_success < baseline - 2pt
 *   reply_latency p(99) > baseline + 200ms
 *
 * `<sli> [aggregation] <op> [k x] baseline [± amount]`; the amount is in the SLI's unit (ms, count), in
 * percentage points of a rate (`pt`, 1pt = 0.01) or relative to the baseline (`%`). Without an aggregation a
 * trend is judged on its p(95), a rate on its rate, a counter on its count, a gauge on its value.
 * Parsed once at load time.
 */
import type { Aggregation } from './threshold-expression.ts';

export type RollbackComparator = '<' | '<=' | '>' | '>=';

export interface RollbackRule {
  source: string;
  sli: string;
  /** Undefined: the SLI kind's default. */
  aggregation: Aggregation | undefined;
  comparator: RollbackComparator;
  /** k of `k x baseline` (1 when absent). */
  factor: number;
  /** Added to k × baseline: an absolute amount (unit or points as a share) or, with `relative`, a fraction of the baseline. */
  offset: number;
  relative: boolean;
}

const RULE =
  /^\s*([a-z][a-z0-9_]*)\s+(?:(p\(\s*\d+(?:\.\d+)?\s*\)|avg|min|med|max|count|rate|value)\s*)?(<=|>=|<|>)\s*(?:(\d+(?:\.\d+)?)\s*x\s*)?baseline\s*(?:([+-])\s*(\d+(?:\.\d+)?)\s*(pt|%|ms|s)?)?\s*$/i;

export function parseRollbackRule(source: string): RollbackRule | string {
  const match = RULE.exec(source);
  if (!match) {
    return `expected "<sli> [aggregation] <op> [k x] baseline [+|- amount[pt|%|ms]]" such as "reply_latency p(95) > 2x baseline" or "handshake_failures > baseline + 1pt", got "${source}"`;
  }
  const [, sli, agg, comparator, factor, sign, amount, unit] = match;
  let aggregation: Aggregation | undefined;
  if (agg?.startsWith('p')) {
    const percentile = Number(/\d+(?:\.\d+)?/.exec(agg)![0]);
    if (percentile <= 0 || percentile > 100) return `percentile must be in (0, 100], got ${percentile} in "${source}"`;
    aggregation = { kind: 'percentile', percentile };
  } else if (agg) aggregation = { kind: agg.toLowerCase() as 'avg' };
  const magnitude = amount === undefined ? 0 : Number(amount) * (unit === 'pt' || unit === '%' ? 0.01 : unit === 's' ? 1_000 : 1);
  return {
    source,
    sli: sli!,
    aggregation,
    comparator: comparator as RollbackComparator,
    factor: factor === undefined ? 1 : Number(factor),
    offset: sign === '-' ? -magnitude : magnitude,
    relative: unit === '%',
  };
}

/** The limit a candidate value is held to. */
export function rollbackLimit(rule: RollbackRule, baseline: number): number {
  const scaled = rule.factor * baseline;
  return rule.relative ? scaled * (1 + rule.offset) : scaled + rule.offset;
}

/** True when the candidate value trips the rule (the rollback condition holds). */
export function rollbackTripped(rule: RollbackRule, candidate: number, limit: number): boolean {
  switch (rule.comparator) {
    case '>':
      return candidate > limit;
    case '>=':
      return candidate >= limit;
    case '<':
      return candidate < limit;
    case '<=':
      return candidate <= limit;
  }
}
