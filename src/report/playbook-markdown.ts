/** report.md's playbook sections: why the verdict, the steady state, recovery curves, rollbacks and the error budget. */
import { formatNumber } from './format.ts';
import type { Report } from './report-schema.ts';

const seconds = (ms: number) => `${formatNumber(ms / 1_000)} s`;

export function renderPlaybookSections(report: Report): string[] {
  const lines: string[] = [];
  if (report.reasons.length) {
    lines.push('## Why', '', ...report.reasons.map((r) => `- **${r.code}**${r.tMs !== undefined ? ` at ${seconds(r.tMs)}` : ''}: ${r.message}${r.observed ? ` (observed ${r.observed})` : ''}`), '');
  }
  const steady = report.steadyState;
  if (steady) {
    lines.push('## Steady state', '', '| | when | probe | observed | t |', '|---|---|---|---|---|');
    for (const [when, results] of [['before', steady.before], ['during', steady.during], ['after', steady.after]] as const) {
      for (const p of results) lines.push(`| ${p.pass ? '✅' : '❌'} | ${when} | ${p.name} | ${p.observed} | ${seconds(p.tMs)} |`);
    }
    lines.push('');
  }
  for (const step of report.steps.filter((s) => s.sliRecovery)) {
    const r = step.sliRecovery!;
    lines.push(`### Recovery of ${step.name}: ${r.sli} \`${r.condition}\` in ${r.consecutive} windows of ${seconds(r.windowMs)}`, '');
    lines.push(r.recoveredAfterMs !== undefined ? `Back ${seconds(r.recoveredAfterMs)} after the action.` : 'Never back.', '');
    lines.push('| window | observed | |', '|---|---|---|', ...r.curve.map((w) => `| ${seconds(w.startMs)}–${seconds(w.endMs)} | ${formatNumber(w.observed)} | ${w.pass ? '✅' : '❌'} |`), '');
  }
  if (report.rollbacks.length) {
    lines.push(`## Rollbacks (${report.rollbackStrategy ?? 'always'})`, '', '| | action | t | result |', '|---|---|---|---|');
    for (const r of report.rollbacks) lines.push(`| ${r.pass ? '✅' : '❌'} | ${r.name}: ${r.action} ${r.service} | ${seconds(r.tMs)} | ${r.error ?? r.detail ?? 'done'} |`);
    lines.push('');
  }
  if (report.errorBudget.length) {
    lines.push('## Error budget', '', '| SLO | window | bad / total | allowed | used |', '|---|---|---|---|---|');
    for (const b of report.errorBudget) {
      for (const w of [b.run, ...b.phases]) {
        lines.push(`| ${b.sli} ≥ ${formatNumber(b.objective * 100)} % good | ${w.phase} | ${w.bad} / ${w.total} | ${formatNumber(w.allowed)} | ${w.consumed === null ? '–' : `${formatNumber(w.consumed * 100)} %`} |`);
      }
    }
    lines.push('');
  }
  return lines;
}
