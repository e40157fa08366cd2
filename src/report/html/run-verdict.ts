/** The top of a run page: the verdict and what decided it, in words. */
import type { Report } from '../report-schema.ts';
import { formatNumber } from '../format.ts';
import { escapeHtml } from './html-text.ts';

const HEADLINE: Record<Report['verdict'], string> = {
  pass: 'Every threshold held and every drill step recovered.',
  fail: 'The run breached what it was asked to hold.',
  aborted: 'A threshold with abortOnFail was breached and the load was stopped early.',
  interrupted: 'The run was stopped by a signal; the figures cover the load until then.',
  'not-steady': 'The steady state did not hold before the method, so the drill did nothing to the stack.',
  error: 'The harness failed: the figures are incomplete, and they say nothing about the system under test.',
};

const VERDICT_ONLY_CODES = new Set(['not-steady', 'deviated', 'rollback-failed', 'aborted']);

function observedText(report: Report, t: Report['thresholds'][number]): string {
  if (t.observed === null) return t.note ?? 'no value';
  const unit = t.expression.startsWith('rate') ? '' : (report.slis[t.sli]?.unit ?? '');
  return formatNumber(t.observed, unit);
}

/** One line per thing that decided the verdict: breached thresholds, failed steps, errors; else what held. */
export function verdictReasons(report: Report): string[] {
  const breached = report.thresholds.filter((t) => !t.pass);
  const failedSteps = report.steps.filter((s) => !s.pass);
  // The verdict's reasons the page cannot word from the report itself (steady state, aborts, rollbacks);
  // thresholds, steps and errors are worded below, with their units.
  const verdictOnly = report.reasons.filter((r) => VERDICT_ONLY_CODES.has(r.code));
  const reasons = [
    ...verdictOnly.map((r) => `${r.message}${r.observed === undefined ? '' : `: observed ${r.observed}`}`),
    ...breached.map((t) => `${t.sli} ${t.expression} in ${t.phase}: observed ${observedText(report, t)}`),
    ...failedSteps.map((s) => `drill step ${s.name} (${s.action} ${s.service}) did not recover: ${s.error ?? 'no recovery'}`),
    ...report.errors.map((e) => `error: ${e}`),
  ];
  if (reasons.length === 0) {
    const recovered = report.steps.map((s) => `${s.name} recovered in ${formatNumber((s.recoveryMs ?? 0) / 1_000)} s`);
    reasons.push(`${report.thresholds.length} threshold(s) held`, ...recovered);
  }
  return reasons;
}

export function verdictSection(report: Report): string {
  const reasons = verdictReasons(report);
  return `<section class="verdict" aria-label="verdict">
<div class="badge badge-${report.verdict}" data-verdict="${report.verdict}">${report.verdict.toUpperCase()}</div>
<div><p><strong>${escapeHtml(HEADLINE[report.verdict])}</strong></p><ul>${reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></div>
</section>`;
}
