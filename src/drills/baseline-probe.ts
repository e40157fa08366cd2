/**
 * An SLI probe judged against the drill's baseline phase (`p(95) < 2x baseline`): the SLI over the probe's
 * window and over the baseline phase, both from the run's outcome log, the limit the baseline gives, and whether
 * the condition holds. A counter's baseline count is scaled to the window's length, so a 5 s window is held to
 * the growth the baseline phase had in 5 s. Either side without data deviates (never a silent pass).
 */
import type { Aggregation, ThresholdExpression } from '../scenario/threshold-expression.ts';
import { rollbackLimit, rollbackTripped, type RollbackRule } from '../scenario/rollback-expression.ts';
import type { SliDefinition } from '../sli/catalog.ts';
import type { OutcomeLog } from '../sli/outcome-log.ts';
import { observe } from '../sli/threshold-evaluator.ts';

export interface Span {
  /** Epoch ms. */
  startMs: number;
  endMs: number;
}

export interface BaselineJudgement {
  pass: boolean;
  observed: string;
  value: number | null;
}

const defaultAggregation: Record<SliDefinition['kind'], Aggregation> = {
  trend: { kind: 'percentile', percentile: 95 },
  rate: { kind: 'rate' },
  counter: { kind: 'count' },
  gauge: { kind: 'value' },
};

export function judgeAgainstBaseline(log: OutcomeLog, definition: SliDefinition, rule: RollbackRule, window: Span, baseline: Span): BaselineJudgement {
  const aggregation = rule.aggregation ?? defaultAggregation[definition.kind];
  const figure = (span: Span) => {
    const judged = log.window(definition, span.startMs, span.endMs);
    return observe({ source: rule.source, aggregation, comparator: '<', value: 0 } satisfies ThresholdExpression, judged?.value, judged?.histogram);
  };
  const value = figure(window);
  let base = figure(baseline);
  const scaled = definition.kind === 'counter' && aggregation.kind === 'count';
  if (base !== null && scaled) base = (base * (window.endMs - window.startMs)) / Math.max(1, baseline.endMs - baseline.startMs);
  const name = `${definition.name} ${aggregationLabel(aggregation)}`;
  if (base === null) return { pass: false, observed: `${name}: no samples in the baseline phase`, value };
  if (value === null) return { pass: false, observed: `${name}: no samples (baseline ${round(base)})`, value };
  const limit = rollbackLimit(rule, base);
  const pass = rollbackTripped(rule, value, limit);
  const perWindow = scaled ? ` for ${window.endMs - window.startMs} ms` : '';
  return { pass, observed: `${name} = ${round(value)}, baseline ${round(base)}${perWindow}, limit ${rule.comparator} ${round(limit)}`, value };
}

function aggregationLabel(aggregation: Aggregation): string {
  return aggregation.kind === 'percentile' ? `p(${aggregation.percentile})` : aggregation.kind;
}

function round(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}
