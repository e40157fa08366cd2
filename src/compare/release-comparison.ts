/**
 * `drill compare`'s judgement of a pooled candidate against a pooled baseline: every SLI in every window
 * either side has, the rollback thresholds, the configuration drift, and the verdict.
 */
import type { Scenario } from '../scenario/scenario-schema.ts';
import { sliDefinition, type SliKind } from '../sli/catalog.ts';
import { configDrift, type DriftEntry } from './config-drift.ts';
import type { ReportPool } from './report-pool.ts';
import { checkRollbackRules, type RollbackCheck } from './rollback-check.ts';
import { classifySli } from './sli-classifier.ts';
import type { SliComparison } from './sli-comparison.ts';
import { sliPolicy } from './sli-policy.ts';
import { decideVerdict, type VerdictResult } from './verdict.ts';

export interface PoolSummary {
  scenario: string;
  release: string;
  runIds: string[];
}

export interface ComparisonResult extends VerdictResult {
  baseline: PoolSummary;
  candidate: PoolSummary;
  slis: SliComparison[];
  rollback: RollbackCheck[];
  drift: DriftEntry[];
  /** Wall time of the comparison, ms. */
  elapsedMs: number;
}

/** The judging part of a scenario; without one (report files only), defaults apply and no rollback rule. */
export type JudgementSource = Pick<Scenario, 'thresholds' | 'rollback' | 'compare'> & { workload: { type: string } };

export function compareReleases(baseline: ReportPool, candidate: ReportPool, scenario: JudgementSource | undefined, seed = 1): ComparisonResult {
  const startedAt = performance.now();
  const settings = scenario?.compare ?? { alpha: 0.01, minSamples: 20, resamples: 1_000, passScore: 95, marginalScore: 75, slis: {} };
  const windows = [...new Set([...baseline.windows, ...candidate.windows].map((w) => w.name))];
  const slis: SliComparison[] = [];
  for (const phase of windows) {
    const b = baseline.windows.find((w) => w.name === phase);
    const c = candidate.windows.find((w) => w.name === phase);
    const names = [...new Set([...(b?.slis.keys() ?? []), ...(c?.slis.keys() ?? [])])].sort();
    for (const sli of names) {
      const kind = (b?.slis.get(sli) ?? c?.slis.get(sli))!.kind;
      const policy = sliPolicy(sli, kindOf(scenario, sli, kind), scenario);
      slis.push(classifySli(sli, phase, policy, b, c, { alpha: settings.alpha, minSamples: settings.minSamples, resamples: settings.resamples, seed: seed + slis.length * 2 }));
    }
  }
  const rollback = checkRollbackRules(scenario?.rollback ?? [], baseline, candidate);
  const verdict = decideVerdict(slis, rollback, settings);
  return {
    ...verdict,
    baseline: summary(baseline),
    candidate: summary(candidate),
    slis,
    rollback,
    drift: configDrift(baseline.first, candidate.first),
    elapsedMs: performance.now() - startedAt,
  };
}

function kindOf(scenario: JudgementSource | undefined, sli: string, observed: SliKind): SliKind {
  return (scenario && sliDefinition(scenario.workload.type, sli)?.kind) ?? observed;
}

function summary(pool: ReportPool): PoolSummary {
  return { scenario: pool.scenario, release: pool.release, runIds: pool.runIds };
}
