/**
 * The verdict of a run and its reasons, in order of precedence: interrupted, error, not-steady, aborted, fail,
 * pass. Each reason names what deviated, when, and what was observed.
 */
import type { Report, StepResult, ThresholdResult, VerdictReason } from '../report/report-schema.ts';
import type { PlaybookOutcome } from '../drills/playbook.ts';

export interface VerdictInputs {
  interrupted: boolean;
  errors: string[];
  loadRan: boolean;
  /** abortOnFail threshold stopped the load. */
  loadAborted: boolean;
  thresholds: ThresholdResult[];
  steps: StepResult[];
  playbook: PlaybookOutcome | undefined;
  /** Signal: the messages answered more than once, named in a breached `duplicate_replies` threshold. */
  duplicateReplies?: { message: string; replies: number }[] | undefined;
}

/** Messages a reason names at most. */
const NAMED_MESSAGES = 10;

/** "; answered more than once: +15551000003|1764… (2 replies), … (and 4 more)". */
function namedDuplicates(duplicates: VerdictInputs['duplicateReplies']): string {
  if (!duplicates?.length) return '';
  const named = duplicates.slice(0, NAMED_MESSAGES).map((d) => `${d.message} (${d.replies} replies)`).join(', ');
  const more = duplicates.length > NAMED_MESSAGES ? ` (and ${duplicates.length - NAMED_MESSAGES} more)` : '';
  return `; answered more than once: ${named}${more}`;
}

export function judgeVerdict(inputs: VerdictInputs): { verdict: Report['verdict']; reasons: VerdictReason[] } {
  const reasons: VerdictReason[] = [];
  const { playbook } = inputs;
  if (inputs.interrupted) reasons.push({ code: 'interrupted', message: 'interrupted by a signal (SIGINT/SIGTERM); rollbacks and teardown ran' });
  for (const error of inputs.errors) reasons.push({ code: 'error', message: error });
  for (const probe of playbook?.steadyState?.before.filter((p) => !p.pass) ?? []) {
    reasons.push({ code: 'not-steady', message: `steady state before the method: ${probe.name} does not hold`, tMs: probe.tMs, observed: probe.observed });
  }
  if (playbook?.abortedBy) {
    const p = playbook.abortedBy;
    reasons.push({ code: 'aborted', message: `abortOnFail probe ${p.name} breached; the method stopped and the rollbacks ran`, tMs: p.tMs, observed: p.observed });
  }
  for (const t of inputs.thresholds.filter((t) => t.abortOnFail && !t.pass && inputs.loadAborted)) {
    reasons.push({ code: 'aborted', message: `abortOnFail threshold ${t.sli} ${t.expression} (${t.phase})`, observed: String(t.observed ?? t.note) });
  }
  for (const probe of playbook?.steadyState?.after.filter((p) => !p.pass) ?? []) {
    reasons.push({ code: 'deviated', message: `steady state after the method: ${probe.name} does not hold`, tMs: probe.tMs, observed: probe.observed });
  }
  for (const step of inputs.steps.filter((s) => !s.pass)) reasons.push({ code: 'step-failed', message: `step ${step.name}: ${step.error ?? 'failed'}`, tMs: step.tMs });
  for (const step of playbook?.rollbacks.filter((s) => !s.pass) ?? []) reasons.push({ code: 'rollback-failed', message: `${step.name}: ${step.error ?? 'failed'}`, tMs: step.tMs });
  for (const t of inputs.thresholds.filter((t) => !t.pass)) {
    const named = t.sli === 'duplicate_replies' ? namedDuplicates(inputs.duplicateReplies) : '';
    reasons.push({ code: 'threshold', message: `${t.sli} ${t.expression} breached (phase ${t.phase})${named}`, observed: t.observed === null ? (t.note ?? 'no value') : String(t.observed) });
  }
  const has = (code: string) => reasons.some((r) => r.code === code);
  const verdict: Report['verdict'] = inputs.interrupted
    ? 'interrupted'
    : inputs.errors.length || !inputs.loadRan
      ? 'error'
      : has('not-steady')
        ? 'not-steady'
        : has('aborted')
          ? 'aborted'
          : reasons.length
            ? 'fail'
            : 'pass';
  return { verdict, reasons };
}
