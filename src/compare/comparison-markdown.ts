/** A comparison as Markdown: fit for a terminal, a pull-request comment or a CI job summary. */
import type { ComparisonResult } from './release-comparison.ts';
import type { SliComparison } from './sli-comparison.ts';

/** How each classification and verdict is written. */
export const LABEL: Record<string, string> = { pass: 'Pass', high: 'High', low: 'Low', nodata: 'nodata', 'cannot-judge': 'cannot-judge', marginal: 'Marginal', fail: 'Fail' };

export function fmt(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  const text = Math.abs(value) >= 1_000 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
  return unit ? `${text} ${unit}` : text;
}

/** The compared figure of one side, with its unit (rates as percent). */
export function figure(s: SliComparison, value: number | null): string {
  if (s.kind === 'rate') return value === null ? '—' : `${fmt(value * 100)} %`;
  return fmt(value, s.kind === 'trend' ? 'ms' : '');
}

/** candidate − baseline with its unit and confidence interval: `+12 ms [8.1, 15]`. */
export function difference(s: SliComparison): string {
  if (s.difference === null) return '—';
  const scale = s.kind === 'rate' ? 100 : 1;
  const unit = s.kind === 'rate' ? ' pt' : s.kind === 'trend' ? ' ms' : '';
  const sign = s.difference >= 0 ? '+' : '';
  const ci = s.interval ? ` [${fmt(s.interval[0] * scale)}, ${fmt(s.interval[1] * scale)}]` : '';
  return `${sign}${fmt(s.difference * scale)}${unit}${ci}`;
}

export function comparisonMarkdown(result: ComparisonResult, title = result.candidate.scenario): string {
  const lines = [
    `## ${title}: ${result.candidate.release} against baseline ${result.baseline.release}: **${LABEL[result.verdict]?.toUpperCase()}**${result.score === null ? '' : ` (score ${fmt(result.score)})`}`,
    '',
    `Baseline runs: ${result.baseline.runIds.join(', ')} · candidate runs: ${result.candidate.runIds.join(', ')} · compared in ${fmt(result.elapsedMs)} ms`,
    '',
    ...result.reasons.map((r) => `- ${r}`),
    '',
  ];
  if (result.rollback.length) {
    lines.push('### Rollback thresholds', '', '| rule | baseline | limit | candidate | tripped |', '|---|---|---|---|---|');
    for (const r of result.rollback) lines.push(`| \`${r.rule}\` | ${fmt(r.baseline)} | ${fmt(r.limit)} | ${fmt(r.candidate)} | ${r.tripped === null ? `cannot judge: ${r.note}` : r.tripped ? '**yes**' : 'no'} |`);
    lines.push('');
  }
  lines.push('### SLIs', '', '| phase | SLI | figure | baseline | candidate | difference [CI] | test | p | result |', '|---|---|---|---|---|---|---|---|---|');
  for (const s of result.slis) {
    const unjudged = s.classification === 'nodata' || s.classification === 'cannot-judge' ? `: ${s.reason}` : '';
    const result = `${s.classification === 'pass' ? 'Pass' : `**${LABEL[s.classification]}**`}${s.critical ? ' (critical)' : ''}${s.weight === 0 ? ' (not judged)' : ''}${unjudged}`;
    lines.push(`| ${s.phase} | ${s.sli} | ${s.figure || '—'} | ${figure(s, s.baseline)} | ${figure(s, s.candidate)} | ${difference(s)} | ${s.test} | ${fmt(s.pValue)} | ${result} |`);
  }
  lines.push('');
  lines.push('### Configuration drift', '');
  if (result.drift.length === 0) lines.push('No difference in the services\' configuration.');
  else {
    lines.push('| service | key | baseline | candidate |', '|---|---|---|---|');
    for (const d of result.drift) lines.push(`| ${d.service} | ${d.key} | ${d.baseline ?? '(absent)'} | ${d.candidate ?? '(absent)'} |`);
  }
  return `${lines.join('\n')}\n`;
}
