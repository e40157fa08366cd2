/**
 * The HTML page of `drill compare` (and of each scenario `drill gate` judges): the verdict with its score and
 * what decided it (critical SLIs, tripped rollback thresholds), the rollback thresholds, one row per SLI and
 * window (baseline, candidate, difference with its confidence interval, test, p-value, classification), the
 * overlaid latency distributions of both sides, and the configuration drift. Same shell as the run page.
 */
import { difference, figure, fmt, LABEL } from '../../compare/comparison-markdown.ts';
import type { ComparisonResult } from '../../compare/release-comparison.ts';
import type { SliComparison } from '../../compare/sli-comparison.ts';
import { chartSection } from './chart-section.ts';
import { comparisonDistributions, type ComparedPools } from './compare-distribution.ts';
import { renderHtmlPage, tableSection } from './html-page.ts';
import type { Cell } from './html-table.ts';
import { escapeHtml, raw } from './html-text.ts';

const HEADLINE: Record<ComparisonResult['verdict'], string> = {
  pass: 'The candidate holds against the baseline.',
  marginal: 'The candidate scored between the marginal and the pass cut-off.',
  fail: 'The candidate regressed against the baseline.',
  'cannot-judge': 'The comparison could not be judged: a critical SLI or a rollback threshold lacks data.',
};

function verdictSection(result: ComparisonResult): string {
  const score = result.score === null ? 'no score' : `score ${fmt(result.score)} of 100`;
  const reasons = result.reasons.length ? result.reasons : ['no SLI differs in a bad direction'];
  return `<section class="verdict" aria-label="verdict">
<div class="badge badge-${result.verdict}" data-verdict="${result.verdict}">${escapeHtml(LABEL[result.verdict]!.toUpperCase())}</div>
<div><p><strong>${escapeHtml(HEADLINE[result.verdict])}</strong> <span class="score" data-score="${result.score ?? ''}">${escapeHtml(score)}</span></p><ul>${reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join('')}</ul></div>
</section>`;
}

function rollbackSection(result: ComparisonResult): string {
  const rows = result.rollback.map((r): Cell[] => [
    raw(`<code>${escapeHtml(r.rule)}</code>`),
    fmt(r.baseline),
    fmt(r.limit),
    fmt(r.candidate),
    r.tripped === null ? { content: `cannot judge: ${r.note ?? 'no data'}`, className: 'bad' } : { content: r.tripped ? 'tripped' : 'held', className: r.tripped ? 'bad' : 'ok' },
  ]);
  return tableSection('Rollback thresholds', { caption: 'Each rollback threshold on the whole load', head: ['rule', 'baseline', 'limit', 'candidate', 'result'], rows, numeric: [1, 2, 3] });
}

function classificationCell(s: SliComparison): Cell {
  const notes = [s.critical ? 'critical' : '', s.weight === 0 ? 'not judged' : ''].filter(Boolean);
  const unjudged = s.classification === 'nodata' || s.classification === 'cannot-judge' ? `: ${s.reason}` : '';
  const text = `${LABEL[s.classification]}${notes.length ? ` (${notes.join(', ')})` : ''}${unjudged}`;
  return { content: raw(`<span data-classification="${s.classification}" title="${escapeHtml(s.reason)}">${escapeHtml(text)}</span>`), className: s.classification === 'pass' ? 'ok' : 'bad' };
}

function sliSection(result: ComparisonResult): string {
  const rows = result.slis.map((s): Cell[] => [
    s.phase,
    s.sli,
    s.figure || '—',
    figure(s, s.baseline),
    figure(s, s.candidate),
    difference(s),
    `${s.samples[0]} / ${s.samples[1]}`,
    s.test,
    fmt(s.pValue),
    classificationCell(s),
  ]);
  const head = ['phase', 'SLI', 'figure', 'baseline', 'candidate', 'difference [CI]', 'samples', 'test', 'p', 'classification'];
  return tableSection('SLIs', { caption: 'Baseline against candidate per SLI and window', head, rows, numeric: [3, 4, 5, 6, 8], className: 'sli-comparison' }, 'The difference is candidate − baseline with its confidence interval; High or Low is a significant change in the bad direction.');
}

function driftSection(result: ComparisonResult): string {
  if (result.drift.length === 0) return `<section><h2>Configuration drift</h2><p class="lead">No difference in the services' configuration.</p></section>`;
  const rows = result.drift.map((d): Cell[] => [d.service, raw(`<code>${escapeHtml(d.key)}</code>`), d.baseline ?? '(absent)', d.candidate ?? '(absent)']);
  return tableSection('Configuration drift', { caption: 'What differs between the services of baseline and candidate', head: ['service', 'key', 'baseline', 'candidate'], rows }, 'A regression that comes with a changed setting may be the setting, not the code.');
}

export function renderComparePage(result: ComparisonResult, pools: ComparedPools): string {
  const charts = comparisonDistributions(result, pools).map(({ spec, figures }) =>
    chartSection(spec, { figures, lead: 'Latency at each percentile of the pooled runs on each side; a candidate line above the baseline line is slower there.' }),
  );
  const title = `${result.candidate.scenario}: ${result.candidate.release} against ${result.baseline.release}`;
  return renderHtmlPage({
    title: `${title} · ${LABEL[result.verdict]!.toUpperCase()} · drill compare`,
    heading: title,
    facts: [
      ['scenario', result.candidate.scenario],
      ['baseline runs', raw(result.baseline.runIds.map((id) => `<code>${escapeHtml(id)}</code>`).join(', '))],
      ['candidate runs', raw(result.candidate.runIds.map((id) => `<code>${escapeHtml(id)}</code>`).join(', '))],
      ['compared in', `${fmt(result.elapsedMs)} ms`],
    ],
    sections: [verdictSection(result), ...(result.rollback.length ? [rollbackSection(result)] : []), sliSection(result), ...charts, driftSection(result)],
    footer: 'drill compare',
  });
}
