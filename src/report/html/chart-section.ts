/**
 * A chart as a page section: a heading, the figure the page script draws into (its spec embedded as JSON), and
 * the text alternative: a table of the key figures, given or derived from the series (min, mean, max and where
 * the max is). A spec without any value renders a note instead of an empty plot.
 */
import { withPalette, type ChartAxis, type ChartSpec } from './chart-spec.ts';
import { htmlTable, type TableSpec } from './html-table.ts';
import { escapeHtml, jsonForScript } from './html-text.ts';
import { formatNumber } from '../format.ts';

export interface ChartSectionOptions {
  /** The key figures in words; default: min, mean and max of each series. */
  figures?: TableSpec;
  /** A sentence under the heading: what to look for. */
  lead?: string;
}

export function formatAxisValue(axis: ChartAxis, value: number): string {
  switch (axis.format) {
    case 'seconds':
      return `${formatNumber(value)} s`;
    case 'percentile':
      return `p${formatNumber(100 * (1 - 1 / value))}`;
    case 'percent':
      return `${formatNumber(value)} %`;
    case 'integer':
      return String(Math.round(value));
    default:
      return formatNumber(value);
  }
}

/** Min, mean and max of each series, and the x of its max. */
export function seriesFigures(spec: ChartSpec): TableSpec {
  const rows = spec.series.map((s) => {
    const axis = s.scale === 'y2' && spec.y2 ? spec.y2 : spec.y;
    let max = -Infinity;
    let maxAt = 0;
    let min = Infinity;
    let sum = 0;
    let n = 0;
    s.values.forEach((v, i) => {
      if (v === null) return;
      n++;
      sum += v;
      min = Math.min(min, v);
      if (v > max) [max, maxAt] = [v, spec.xValues[i]!];
    });
    if (n === 0) return [s.label, axis.label, '–', '–', '–', '–'];
    return [s.label, axis.label, formatNumber(min), formatNumber(sum / n), formatNumber(max), formatAxisValue(spec.x, maxAt)];
  });
  return { caption: `${spec.title}: key figures`, head: ['series', 'unit', 'min', 'mean', 'max', 'max at'], rows, numeric: [2, 3, 4] };
}

export function hasValues(spec: ChartSpec): boolean {
  return spec.xValues.length > 0 && spec.series.some((s) => s.values.some((v) => v !== null));
}

/** Five significant digits are more than a chart shows, and keep a long run's page small. */
const compact = (v: number | null) => (v === null ? null : Number(v.toPrecision(5)));

export function chartSection(input: ChartSpec, options: ChartSectionOptions = {}): string {
  const series = withPalette(input.series).map((s) => ({ ...s, values: s.values.map(compact) }));
  const spec = { ...input, series };
  const heading = `<h2>${escapeHtml(spec.title)}</h2>${options.lead ? `<p class="lead">${escapeHtml(options.lead)}</p>` : ''}`;
  if (!hasValues(spec)) return `<section class="chart-section" id="${escapeHtml(spec.id)}">${heading}<p class="empty">No data recorded for this chart.</p></section>`;
  const figures = options.figures ?? seriesFigures(spec);
  return `<section class="chart-section">${heading}
<figure class="chart" id="${escapeHtml(spec.id)}" data-chart aria-label="${escapeHtml(`${spec.title}; the figures are in the table below`)}">
<div class="plot" role="img" aria-label="${escapeHtml(spec.title)}"></div>
<script type="application/json" class="chart-spec">${jsonForScript(spec)}</script>
<noscript><p class="empty">The chart needs JavaScript; its figures are in the table below.</p></noscript>
</figure>
<details class="figures"><summary>Figures of this chart</summary>${htmlTable(figures)}</details>
</section>`;
}
