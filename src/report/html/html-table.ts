/** Tables of an HTML page: one shape for every table, numbers right-aligned, a caption for screen readers. */
import { escapeHtml, toHtml, type RawHtml } from './html-text.ts';

export type Cell = string | number | RawHtml | { content: string | number | RawHtml; className?: string };

export interface TableSpec {
  /** Read by screen readers; shown only when `showCaption`. */
  caption: string;
  showCaption?: boolean;
  head: string[];
  rows: Cell[][];
  /** Columns (0-based) holding numbers: right-aligned, tabular figures. */
  numeric?: number[];
  className?: string;
}

function cell(value: Cell, tag: 'td' | 'th', numeric: boolean): string {
  const boxed = typeof value === 'object' && 'content' in value ? value : { content: value };
  const classes = [numeric ? 'num' : '', boxed.className ?? ''].filter(Boolean).join(' ');
  return `<${tag}${classes ? ` class="${escapeHtml(classes)}"` : ''}>${toHtml(boxed.content)}</${tag}>`;
}

export function htmlTable(spec: TableSpec): string {
  const numeric = new Set(spec.numeric ?? []);
  const caption = `<caption${spec.showCaption ? '' : ' class="sr-only"'}>${escapeHtml(spec.caption)}</caption>`;
  const head = `<thead><tr>${spec.head.map((h, i) => cell(h, 'th', numeric.has(i))).join('')}</tr></thead>`;
  const body = spec.rows.map((row) => `<tr>${row.map((c, i) => cell(c, 'td', numeric.has(i))).join('')}</tr>`).join('\n');
  // Wide tables (a column per phase) scroll inside their box instead of widening the page.
  return `<div class="table-wrap"><table${spec.className ? ` class="${escapeHtml(spec.className)}"` : ''}>${caption}${head}<tbody>${body}</tbody></table></div>`;
}
