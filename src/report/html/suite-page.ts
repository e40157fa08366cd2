/**
 * The HTML page of a monthly suite (`suite-<id>.html` beside its .json and .md): the suite verdict and what
 * decided it, one row per drill with a link to the drill's own report.html, then the month-over-month trend as
 * charts with their figures. Built with the same page shell, charts and tables as the run page.
 */
import { formatSeconds, formatShare, formatUtc } from '../format.ts';
import type { SuiteDrill, SuiteReport } from '../suite-report.ts';
import { chartSection } from './chart-section.ts';
import { renderHtmlPage, tableSection } from './html-page.ts';
import type { Cell } from './html-table.ts';
import { escapeHtml, raw } from './html-text.ts';
import { trendCharts } from './suite-trend.ts';

const HEADLINE: Record<SuiteReport['verdict'], string> = {
  pass: 'Every drill of the suite passed.',
  fail: 'A drill of the suite did not pass.',
  interrupted: 'A signal stopped the suite; the drills it did not reach are listed as not run.',
};

/** One line per drill that decided the verdict (those that did not pass, with their reasons); else what held. */
export function suiteVerdictReasons(suite: SuiteReport): string[] {
  const failed = suite.drills.filter((d) => d.verdict !== 'pass');
  if (failed.length) return failed.map((d) => `${d.name}: ${d.verdict}${d.reasons.length ? ` (${d.reasons.join('; ')})` : ''}`);
  return suite.drills.map((d) => `${d.name} passed${d.recoveries.length ? `; ${recoveryText(d)}` : ''}`);
}

function recoveryText(d: SuiteDrill): string {
  return d.recoveries.map((r) => `${r.step} ${r.recoveryMs === undefined ? 'did not recover' : `recovered in ${formatSeconds(r.recoveryMs)}`}`).join('; ');
}

function verdictSection(suite: SuiteReport): string {
  return `<section class="verdict" aria-label="verdict">
<div class="badge badge-${suite.verdict}" data-verdict="${suite.verdict}">${suite.verdict.toUpperCase()}</div>
<div><p><strong>${escapeHtml(HEADLINE[suite.verdict])}</strong></p><ul>${suiteVerdictReasons(suite).map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></div>
</section>`;
}

/** The drill's report.html, relative to the suite page (its runDir is relative to the suite's folder). */
export function drillReportHref(d: SuiteDrill): string | undefined {
  return d.runDir === undefined ? undefined : encodeURI(`${d.runDir.split('\\').join('/')}/report.html`);
}

function drillRow(d: SuiteDrill): Cell[] {
  const href = drillReportHref(d);
  return [
    d.name,
    { content: d.verdict, className: d.verdict === 'pass' ? 'ok' : 'bad' },
    formatSeconds(d.durationMs),
    d.recoveries.length ? recoveryText(d) : '–',
    d.errorBudget.map((b) => `${b.sli} ${formatShare(b.consumed)} (objective ${formatShare(b.objective)})`).join('; ') || '–',
    d.reasons.join('; ') || '–',
    href ? raw(`<a class="drill-report" href="${escapeHtml(href)}">report.html</a>`) : '–',
  ];
}

export function renderSuitePage(suite: SuiteReport): string {
  const drills = tableSection('Drills', { caption: 'Verdict, duration, recovery and error budget per drill', head: ['drill', 'verdict', 'duration', 'recovery', 'error budget spent', 'why', 'report'], rows: suite.drills.map(drillRow), numeric: [2] });
  const trend = trendCharts(suite).map(({ spec, figures }) => {
    const marked = spec.marks?.length ? '; a red line marks each suite run in which a drill did not pass' : '';
    return chartSection(spec, { figures, lead: `${suite.trend.length} suite run(s), from the suite reports beside this one${marked}.` });
  });
  return renderHtmlPage({
    title: `Monthly drills · ${suite.verdict.toUpperCase()} · drill`,
    heading: `Monthly drills · release ${suite.release}`,
    facts: [
      ['suite', raw(`<code>${escapeHtml(suite.suiteId)}</code>`)],
      ['started', formatUtc(suite.startedAtMs)],
      ['length', formatSeconds(suite.endedAtMs - suite.startedAtMs)],
      ['runtime', suite.runtime],
      ['drills', String(suite.drills.length)],
    ],
    sections: [verdictSection(suite), drills, ...trend],
    footer: `drill · ${suite.schema}`,
  });
}
