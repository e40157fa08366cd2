/**
 * The error budget a drill spent: per SLO target (a rate SLI of bad events and an objective), the bad events
 * against what the objective allows over the same events, for the whole load and for each phase.
 */
import type { ErrorBudget, PhaseReport, SliValue } from '../report/report-schema.ts';
import type { SloSpec } from '../scenario/playbook-schema.ts';

/** The SLO a drill inherits when it declares none. */
const DEFAULT_SLOS: Record<string, SloSpec[]> = {
  http: [{ sli: 'http_req_failed', objective: 0.99 }],
  signal: [{ sli: 'replies_missing', objective: 0.99 }],
  wavry: [{ sli: 'handshake_failures', objective: 0.98 }],
};

export function sloTargets(workload: string, declared: SloSpec[] | undefined): SloSpec[] {
  return declared ?? DEFAULT_SLOS[workload] ?? [];
}

function budgetOf(phase: string, value: SliValue | undefined, objective: number): ErrorBudget['run'] {
  const total = value?.total ?? 0;
  const bad = value?.count ?? 0;
  const allowed = total * (1 - objective);
  return { phase, total, bad, allowed, consumed: total === 0 ? null : allowed > 0 ? bad / allowed : null };
}

export function errorBudgets(slos: SloSpec[], run: Record<string, SliValue>, phases: PhaseReport[]): ErrorBudget[] {
  return slos.map((slo) => ({
    sli: slo.sli,
    objective: slo.objective,
    run: budgetOf('run', run[slo.sli], slo.objective),
    phases: phases.map((p) => budgetOf(p.name, p.slis[slo.sli], slo.objective)),
  }));
}
