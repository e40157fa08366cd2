/**
 * The scenario's rollback thresholds checked on the whole load: the baseline figure, the limit it gives, the
 * candidate figure, and whether the rule tripped. Counts are per baseline run (the candidate's scaled to the
 * same exposure), so a pooled baseline of three runs and a 10 % canary cohort compare fairly.
 */
import type { Aggregation } from '../scenario/threshold-expression.ts';
import { rollbackLimit, rollbackTripped, type RollbackRule } from '../scenario/rollback-expression.ts';
import type { PooledSli, ReportPool } from './report-pool.ts';
import { exposure } from './sli-classifier.ts';

export interface RollbackCheck {
  rule: string;
  sli: string;
  baseline: number | null;
  limit: number | null;
  candidate: number | null;
  /** null: a side had no data for the rule (never a silent pass). */
  tripped: boolean | null;
  note?: string;
}

const defaultAggregation: Record<PooledSli['kind'], Aggregation> = {
  trend: { kind: 'percentile', percentile: 95 },
  rate: { kind: 'rate' },
  counter: { kind: 'count' },
  gauge: { kind: 'value' },
};

export function checkRollbackRules(rules: readonly RollbackRule[], baseline: ReportPool, candidate: ReportPool): RollbackCheck[] {
  const base = baseline.windows.find((w) => w.name === 'run');
  const cand = candidate.windows.find((w) => w.name === 'run');
  return rules.map((rule) => {
    const b = base?.slis.get(rule.sli);
    const c = cand?.slis.get(rule.sli);
    if (!b || !c || !base || !cand) return { rule: rule.source, sli: rule.sli, baseline: null, limit: null, candidate: null, tripped: null, note: `no ${rule.sli} in the ${!b ? 'baseline' : 'candidate'}` };
    const aggregation = rule.aggregation ?? defaultAggregation[b.kind];
    const perRunExposure = exposure(base) / baseline.runIds.length;
    const bv = figure(b, aggregation, exposure(base), perRunExposure);
    const cv = figure(c, aggregation, exposure(cand), perRunExposure);
    if (bv === undefined || cv === undefined) return { rule: rule.source, sli: rule.sli, baseline: bv ?? null, limit: null, candidate: cv ?? null, tripped: null, note: `${rule.sli} has no ${aggregation.kind} figure` };
    const limit = rollbackLimit(rule, bv);
    return { rule: rule.source, sli: rule.sli, baseline: bv, limit, candidate: cv, tripped: rollbackTripped(rule, cv, limit) };
  });
}

/** The figure of an SLI for an aggregation; counts scaled from `windowExposure` to `toExposure`. */
function figure(sli: PooledSli, aggregation: Aggregation, windowExposure: number, toExposure: number): number | undefined {
  const scale = (count: number) => (windowExposure > 0 ? (count * toExposure) / windowExposure : undefined);
  switch (sli.kind) {
    case 'trend': {
      const h = sli.histogram;
      if (h.count === 0) return undefined;
      if (aggregation.kind === 'percentile') return h.percentileMs(aggregation.percentile);
      if (aggregation.kind === 'med') return h.percentileMs(50);
      if (aggregation.kind === 'avg') return h.meanMs;
      if (aggregation.kind === 'min') return h.minMs;
      if (aggregation.kind === 'max') return h.maxMs;
      return aggregation.kind === 'count' ? h.count : undefined;
    }
    case 'rate':
      if (aggregation.kind === 'count') return scale(sli.bad);
      return aggregation.kind === 'rate' && sli.total > 0 ? sli.bad / sli.total : undefined;
    case 'counter':
      return aggregation.kind === 'count' ? scale(sli.count) : undefined;
    case 'gauge':
      return aggregation.kind === 'min' ? sli.min : aggregation.kind === 'max' ? sli.max : aggregation.kind === 'avg' ? sli.avg : aggregation.kind === 'value' ? sli.value : undefined;
  }
}
