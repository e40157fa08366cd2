/**
 * The page shell every HTML report of drill shares: one self-contained file (uPlot, the style and the chart
 * script inlined; no network, no fonts), a header, sections, print styles.
 *
 * A new page kind (the suite report, a comparison, a capacity report) is a function from its data to
 * `renderHtmlPage(...)`, as `run-page.ts` is for one run:
 *
 *   const sections = [
 *     verdictSection(...),                                   // its own markup, built with escapeHtml/htmlTable
 *     chartSection({ id: 'trend', title: 'p99 by month', x: { label: 'month' }, y: { label: 'ms' },
 *                    xValues, series: [{ label: 'p99', values }], marks: [{ kind: 'failure', at, label }] }),
 *     tableSection('Verdicts', { caption: 'Verdict per scenario', head, rows }),
 *   ];
 *   await writeFile(file, renderHtmlPage({ title, heading, facts, sections }));
 *
 * `chartSection` embeds the chart's spec (chart-spec.ts) and its key figures as a table (the text alternative);
 * the page script draws every `figure[data-chart]` and exposes it to tests (`data-series`, `data-points`,
 * `window.drillCharts[id]`). Bands (fault windows, steps, phases) and marks (actions, recoveries) are DOM
 * elements over the plot (`.band[data-from][data-to]`, `.mark[data-at]`), so they print and can be located.
 */
import { htmlTable, type TableSpec } from './html-table.ts';
import { escapeHtml, toHtml, type RawHtml } from './html-text.ts';
import { inlineSafe, pageAssets } from './page-assets.ts';

export interface PageSpec {
  /** The document title (browser tab, print header). */
  title: string;
  /** The page heading. */
  heading: string;
  /** Short facts under the heading (run id, date, release...), shown as a definition list. */
  facts?: [label: string, value: string | RawHtml][];
  /** Sections in order, as markup (from chartSection, tableSection or a page's own builders). */
  sections: string[];
  /** The footer line (what wrote the page). */
  footer?: string;
}

/** A section with a heading and one table. */
export function tableSection(title: string, table: TableSpec, lead?: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${lead ? `<p class="lead">${escapeHtml(lead)}</p>` : ''}${htmlTable(table)}</section>`;
}

export function renderHtmlPage(page: PageSpec): string {
  const assets = pageAssets();
  const facts = page.facts?.length
    ? `<dl class="facts">${page.facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${toHtml(v)}</dd></div>`).join('')}</dl>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(page.title)}</title>
<style>${inlineSafe(assets.css, 'style')}</style>
</head>
<body>
<header class="page-header"><h1>${escapeHtml(page.heading)}</h1>${facts}</header>
<main>
${page.sections.join('\n')}
</main>
${page.footer ? `<footer>${escapeHtml(page.footer)}</footer>` : ''}
<script>${inlineSafe(assets.js, 'script')}</script>
</body>
</html>
`;
}
