/**
 * capacity.html: the capacity verdict, then per sweep the throughput curve (achieved against offered, with the
 * ideal line) and the p99 curve against the offered rate, each with the capacity and the knee marked, and the
 * steps as a table. Built with the run page's shell, charts and tables (uPlot inlined, no network).
 */
import { formatUtc } from '../report/format.ts';
import { chartSection } from '../report/html/chart-section.ts';
import type { ChartMark } from '../report/html/chart-spec.ts';
import { renderHtmlPage, tableSection } from '../report/html/html-page.ts';
import { escapeHtml, raw } from '../report/html/html-text.ts';
import type { CapacityReport, CapacitySweep } from './capacity-report-schema.ts';

const BADGE: Record<CapacityReport['verdict'], string> = { kept: 'pass', found: 'pass', missed: 'fail', 'not-found': 'fail', interrupted: 'interrupted', error: 'error' };

function verdictSection(report: CapacityReport): string {
  const lines = [
    ...report.sweeps.map((s) => `${s.label}: capacity ${s.capacity === null ? 'none' : `${s.atLeast ? '≥ ' : ''}${s.capacity} ${report.unit}`}${s.saturated ? `; first to saturate: ${s.saturated.component} ${s.saturated.signal}` : ''}`),
    ...(report.headroom ? [`Headroom: ${report.headroom.text}`] : []),
    ...(report.failover ? [`Failover: ${report.failover.text}`] : []),
    ...(report.trend ? [`Trend: ${report.trend.text}`] : []),
  ];
  return `<section class="verdict" aria-label="verdict">
<div class="badge badge-${BADGE[report.verdict]}" data-verdict="${report.verdict}">${report.verdict.toUpperCase()}</div>
<div><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></div>
</section>`;
}

function marksOf(sweep: CapacitySweep): ChartMark[] {
  return [
    ...(sweep.capacity !== null ? [{ kind: 'recovery' as const, at: sweep.capacity, label: `capacity ${sweep.capacity}` }] : []),
    ...(sweep.knee !== null ? [{ kind: 'action' as const, at: sweep.knee, label: `knee ${sweep.knee}` }] : []),
  ];
}

function sweepSections(report: CapacityReport, sweep: CapacitySweep, n: number): string[] {
  const steps = [...sweep.steps].sort((a, b) => a.offered - b.offered);
  const xValues = steps.map((s) => s.offered);
  const marks = marksOf(sweep);
  const x = { label: `offered (${report.unit})` };
  const throughput = chartSection(
    {
      id: `chart-capacity-throughput-${n}`,
      title: `${sweep.label}: throughput`,
      x,
      y: { label: `achieved (${report.unit})` },
      xValues,
      series: [
        { label: 'achieved', values: steps.map((s) => s.achieved) },
        { label: 'offered (ideal)', values: xValues },
      ],
      marks,
    },
    { lead: 'Arrivals completed per second of each hold window against the rate offered; past the capacity the curve falls below the ideal line.' },
  );
  const latency = chartSection(
    {
      id: `chart-capacity-latency-${n}`,
      title: `${sweep.label}: latency`,
      x,
      y: { label: 'ms' },
      xValues,
      series: [
        { label: 'p99', values: steps.map((s) => s.p99Ms) },
        { label: 'p50', values: steps.map((s) => s.p50Ms) },
      ],
      marks,
    },
    { lead: 'p99 and p50 of each hold window; the knee is where p99 starts rising faster than the rate.' },
  );
  const table = tableSection(`${sweep.label}: steps`, {
    caption: 'Every step in the order it ran',
    head: ['#', 'phase', 'offered', 'achieved', 'p99 ms', 'lag p99 ms', 'dropped', 'result'],
    rows: sweep.steps.map((s) => [s.index + 1, s.phase, s.offered, s.achieved, s.p99Ms ?? '–', s.lagP99Ms ?? '–', s.dropped, { content: s.pass ? 'pass' : `${s.limitedBy}: ${s.failures.join('; ')}`, className: s.pass ? 'ok' : 'bad' }]),
    numeric: [0, 2, 3, 4, 5, 6],
  }, sweep.saturated?.detail);
  return [throughput, latency, table];
}

export function capacityHtml(report: CapacityReport): string {
  return renderHtmlPage({
    title: `Capacity · ${report.scenario.name} · ${report.verdict.toUpperCase()} · drill`,
    heading: `Capacity · ${report.scenario.name} · release ${report.release}`,
    facts: [
      ['run', raw(`<code>${escapeHtml(report.runId)}</code>`)],
      ['started', formatUtc(report.startedAtMs)],
      ['unit', report.unit],
      ['hold', `${report.settings.holdMs / 1000} s after ${report.settings.warmupMs / 1000} s warm-up`],
    ],
    sections: [verdictSection(report), ...report.sweeps.flatMap((s, i) => sweepSections(report, s, i))],
    footer: 'drill · capacity.json version 1',
  });
}
