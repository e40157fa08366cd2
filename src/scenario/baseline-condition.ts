/**
 * SLI probe conditions relative to the drill's own baseline phase, in the words of the rollback thresholds:
 *
 *   p(95) < 2x baseline          latency stays under double the baseline's
 *   count <= baseline            (dlq_growth) grows no faster than during the baseline
 *   rate < baseline + 1pt        a rate at most one point above the baseline's
 *
 * `[aggregation] <op> [k x] baseline [± amount[pt|%|ms|s]]`, the condition that must hold (a probe holds or
 * deviates). Without an aggregation a trend is judged on its p(95), a rate on its rate, a counter on its count, a
 * gauge on its value. "baseline" is the same SLI over the drill's baseline phase (the load start to the first
 * action); a counter's baseline count is scaled to the probe's window length. Parsed once at load time.
 */
import { parseRollbackRule, type RollbackRule } from './rollback-expression.ts';

/** True when `condition` is judged against the baseline phase rather than a fixed number. */
export function mentionsBaseline(condition: string): boolean {
  return /\bbaseline\b/i.test(condition);
}

export function parseBaselineCondition(sli: string, condition: string): RollbackRule | string {
  const rule = parseRollbackRule(`${sli} ${condition}`);
  if (typeof rule !== 'string') return rule;
  return `expected "[aggregation] <op> [k x] baseline [+|- amount[pt|%|ms|s]]" such as "p(95) < 2x baseline" or "count <= baseline", got "${condition}"`;
}
