/**
 * `drill guard --check`: the runbook's release guard. The candidate may deploy (exit 0) only when the scenario
 * declares rollback thresholds, a baseline is marked, and the candidate's latest gate or canary judgement passed
 * against that baseline (a gate against the same runs, a canary against the same release) after it was marked.
 */
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { HistoryStore, Judgement } from './history-store.ts';

export interface GuardResult {
  ok: boolean;
  reason: string;
  judgement?: Judgement;
}

export async function checkReleaseGuard(scenario: Pick<Scenario, 'name' | 'rollback'>, candidate: string, store: HistoryStore): Promise<GuardResult> {
  if (scenario.rollback.length === 0) return { ok: false, reason: `${scenario.name} declares no rollback thresholds: define them (rollback:) before rollout begins` };
  const mark = await store.baseline(scenario.name);
  if (!mark) return { ok: false, reason: `no baseline is marked for ${scenario.name}: drill baseline mark RUN|RELEASE` };
  const judgement = await store.judgement(scenario.name, candidate);
  if (!judgement) return { ok: false, reason: `${candidate} has no gate or canary judgement for ${scenario.name}: run drill gate or drill canary first` };
  const sameBaseline =
    judgement.baseline.release === mark.release &&
    (judgement.kind === 'canary' || (judgement.baseline.runIds.length === mark.runIds.length && judgement.baseline.runIds.every((id) => mark.runIds.includes(id))));
  if (!sameBaseline || judgement.atMs < mark.markedAtMs) {
    return { ok: false, judgement, reason: `the latest ${judgement.kind} of ${candidate} judged it against baseline ${judgement.baseline.release}, not the current baseline ${mark.release} (${mark.runIds.join(', ')}): run it again` };
  }
  if (judgement.verdict !== 'pass') return { ok: false, judgement, reason: `the latest ${judgement.kind} of ${candidate} against ${mark.release} was ${judgement.verdict}: ${judgement.reasons.join('; ')}` };
  return { ok: true, judgement, reason: `${candidate} passed its ${judgement.kind} against baseline ${mark.release} on ${new Date(judgement.atMs).toISOString()}; rollback thresholds: ${scenario.rollback.map((r) => r.source).join('; ')}` };
}
