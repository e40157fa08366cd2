/**
 * The tables of a run page: thresholds against what each phase observed, drill steps, the timeline, and the
 * services with their CPU and memory.
 */
import { parseThresholdExpression } from '../../scenario/threshold-expression.ts';
import { observe } from '../../sli/threshold-evaluator.ts';
import { formatNumber, formatRate } from '../format.ts';
import type { Report } from '../report-schema.ts';
import { tableSection } from './html-page.ts';
import type { Cell } from './html-table.ts';
import { escapeHtml, raw } from './html-text.ts';

const status = (pass: boolean): Cell => ({ content: pass ? '✔ pass' : '✘ fail', className: pass ? 'ok' : 'bad' });

/** A bar of `value` against `limit` (the tick in the middle), or nothing when either is missing. */
function bar(value: number | null | undefined, limit: number, bad: boolean, tick = true): Cell {
  if (value === null || value === undefined || !(limit > 0)) return '';
  const share = Math.min(value / limit, 2) / 2;
  return raw(`<span class="bar${bad ? ' bad' : ''}" aria-hidden="true"><i style="width:${(share * 100).toFixed(1)}%"></i>${tick ? '<b></b>' : ''}</span>`);
}

function formatObserved(expression: string, value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return '–';
  return expression.startsWith('rate') ? formatRate(value) : formatNumber(value, unit);
}

export function thresholdsSection(report: Report): string {
  if (report.thresholds.length === 0) return tableSection('Thresholds', { caption: 'No thresholds', head: ['thresholds'], rows: [['none set']] });
  const phases = report.phases.length > 1 ? report.phases.map((p) => p.name) : [];
  const rows = report.thresholds.map((t) => {
    const parsed = parseThresholdExpression(t.expression);
    const unit = report.slis[t.sli]?.unit ?? '';
    const limit = typeof parsed === 'string' ? NaN : parsed.value;
    const perPhase = phases.map((name): Cell => {
      const value = typeof parsed === 'string' ? null : observe(parsed, report.phases.find((p) => p.name === name)?.slis[t.sli]);
      // The unit is in the observed column; phase columns stay narrow.
      return { content: formatObserved(t.expression, value, ''), className: name === t.phase ? 'judged' : '' };
    });
    return [status(t.pass), t.sli, raw(`<code>${escapeHtml(t.expression)}</code>`), t.phase, t.observed === null ? (t.note ?? '–') : formatObserved(t.expression, t.observed, unit), bar(t.observed, limit, !t.pass), ...perPhase];
  });
  const numeric = [4, ...phases.map((_, i) => 6 + i)];
  return tableSection(
    'Thresholds against observed values',
    { caption: 'Each threshold, the phase it judges, the observed value, and the same figure in every phase', head: ['', 'SLI', 'threshold', 'judged on', 'observed', 'vs limit', ...phases], rows, numeric },
    phases.length ? 'The bar is the observed value against the limit (the tick); the columns on the right give the same figure in each phase.' : undefined,
  );
}

export function stepsSection(report: Report): string {
  if (report.steps.length === 0) return '';
  const rows = report.steps.map((s) => [
    status(s.pass),
    s.name,
    `${s.action} ${s.service}${s.release ? ` → ${s.release}` : ''}`,
    `${formatNumber(s.tMs / 1_000)} s`,
    s.recoveryMs !== undefined ? `${formatNumber(s.recoveryMs)} ms` : (s.error ?? 'not recovered'),
    s.checks.map((c) => `${c.target}${c.passedAfterMs !== undefined ? ` after ${formatNumber(c.passedAfterMs)} ms` : `: ${c.last ?? 'no answer'}`}`).join('; ') || '–',
  ]);
  return tableSection('Drill steps', { caption: 'Drill steps and their recovery', head: ['', 'step', 'action', 'at', 'recovery', 'checks'], rows, numeric: [3, 4] });
}

export function timelineSection(report: Report): string {
  const rows = report.timeline.map((e) => {
    const measured = e.measured ? ` (measured ${Object.entries(e.measured).map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')})` : '';
    return [{ content: `${formatNumber(e.tMs / 1_000)} s`, className: `row-${e.source}` }, e.source, e.type, e.target ?? '', { content: (e.detail ?? '') + measured, className: 'detail' }];
  });
  return tableSection('Timeline', { caption: 'Every event of the run, seconds from the load start', head: ['t', 'source', 'event', 'target', 'detail'], rows, numeric: [0] });
}

export function servicesSection(report: Report): string {
  const maxCpu = Math.max(0, ...report.services.map((s) => s.cpuSeconds ?? 0));
  const maxRss = Math.max(0, ...report.services.map((s) => s.rssBytes ?? 0));
  const rows = report.services.map((s) => [
    s.name,
    s.kind,
    s.release,
    s.source,
    Object.entries(s.ports).map(([k, v]) => `${k} ${v}`).join(', '),
    formatNumber(s.cpuSeconds),
    bar(s.cpuSeconds, maxCpu / 2, false, false),
    s.rssBytes ? formatNumber(s.rssBytes / 1_048_576) : '–',
    bar(s.rssBytes, maxRss / 2, false, false),
  ]);
  if (rows.length === 0) rows.push(['no service was started', '', '', '', '', '', '', '', '']);
  return tableSection('Services', { caption: 'Services with CPU time and resident memory at the end of the load', head: ['service', 'kind', 'release', 'source', 'ports', 'CPU s', '', 'RSS MiB', ''], rows, numeric: [5, 7] });
}

export function errorsSection(report: Report): string {
  if (report.errors.length === 0) return '';
  return `<section class="errors"><h2>Errors</h2><ul>${report.errors.map((e) => `<li><code>${escapeHtml(e)}</code></li>`).join('')}</ul></section>`;
}
