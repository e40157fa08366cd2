/**
 * The verdict of a comparison, Kayenta-style: a score from the weights of the SLIs that passed among those
 * judged, Pass / Marginal / Fail by the score cut-offs, and Fail outright on any critical High or Low or any
 * tripped rollback threshold. Missing data or too few samples on a critical SLI or a rollback rule cannot be
 * judged: never a silent pass.
 */
import type { RollbackCheck } from './rollback-check.ts';
import type { SliComparison } from './sli-comparison.ts';

export type Verdict = 'pass' | 'marginal' | 'fail' | 'cannot-judge';

export interface VerdictResult {
  verdict: Verdict;
  /** 0–100, or null when nothing could be judged. */
  score: number | null;
  /** What decided, naming each SLI or rule. */
  reasons: string[];
}

export function decideVerdict(slis: readonly SliComparison[], rollback: readonly RollbackCheck[], cutoffs: { passScore: number; marginalScore: number }): VerdictResult {
  const where = (s: SliComparison) => (s.phase === 'run' ? s.sli : `${s.sli} (phase ${s.phase})`);
  const failing = [
    ...rollback.filter((r) => r.tripped === true).map((r) => `rollback threshold tripped: ${r.rule} (baseline ${fmt(r.baseline)}, limit ${fmt(r.limit)}, candidate ${fmt(r.candidate)})`),
    ...slis.filter((s) => s.critical && (s.classification === 'high' || s.classification === 'low')).map((s) => `critical ${where(s)} ${s.classification === 'high' ? 'High' : 'Low'}: ${s.reason}`),
  ];
  const unjudged = [
    ...rollback.filter((r) => r.tripped === null).map((r) => `rollback threshold ${r.rule} cannot be judged: ${r.note ?? 'no data'}`),
    ...slis.filter((s) => s.critical && (s.classification === 'nodata' || s.classification === 'cannot-judge')).map((s) => `critical ${where(s)} ${s.classification}: ${s.reason}`),
  ];
  const judged = slis.filter((s) => s.weight > 0 && ['pass', 'high', 'low'].includes(s.classification));
  const total = judged.reduce((sum, s) => sum + s.weight, 0);
  const score = total > 0 ? (100 * judged.filter((s) => s.classification === 'pass').reduce((sum, s) => sum + s.weight, 0)) / total : null;
  if (failing.length > 0) return { verdict: 'fail', score, reasons: failing };
  if (unjudged.length > 0 || score === null) return { verdict: 'cannot-judge', score, reasons: unjudged.length ? unjudged : ['no SLI could be judged'] };
  const flagged = judged.filter((s) => s.classification !== 'pass').map((s) => `${where(s)} ${s.classification === 'high' ? 'High' : 'Low'}: ${s.reason}`);
  if (score >= cutoffs.passScore) return { verdict: 'pass', score, reasons: flagged };
  return { verdict: score >= cutoffs.marginalScore ? 'marginal' : 'fail', score, reasons: [`score ${fmt(score)} below ${score >= cutoffs.marginalScore ? cutoffs.passScore : cutoffs.marginalScore}`, ...flagged] };
}

function fmt(v: number | null): string {
  return v === null ? '—' : Number(v.toPrecision(4)).toString();
}

/** Exit code of a judgement: 0 pass, 1 marginal or fail, 3 could not judge. */
export function exitCodeOfVerdict(verdict: Verdict): number {
  return verdict === 'pass' ? 0 : verdict === 'cannot-judge' ? 3 : 1;
}
