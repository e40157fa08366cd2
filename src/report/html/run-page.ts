/**
 * The HTML page of one run, top to bottom: the verdict and what decided it; latency percentiles over time with
 * the fault windows, drill steps and phases; the load; the stack's own levels; thresholds per phase; the latency
 * distribution; drill steps; the timeline; the services; errors.
 */
import type { Report } from '../report-schema.ts';
import { chartSection } from './chart-section.ts';
import { renderHtmlPage } from './html-page.ts';
import { escapeHtml, raw } from './html-text.ts';
import { distributionChart } from './latency-distribution.ts';
import { latencyChart, loadChart, stackCharts } from './run-charts.ts';
import { errorsSection, servicesSection, stepsSection, thresholdsSection, timelineSection } from './run-tables.ts';
import { verdictSection } from './run-verdict.ts';
import { formatNumber, formatUtc } from '../format.ts';

const TIME_LEAD = 'Hatched bands are fault windows as injected and cleared; tinted bands run from a drill step to its recovery; the strip above names the phases.';

function facts(report: Report): [string, string | ReturnType<typeof raw>][] {
  const load = report.load;
  return [
    ['run', raw(`<code>${escapeHtml(report.runId)}</code>`)],
    ['started', formatUtc(report.startedAtMs)],
    ['length', `${formatNumber((report.endedAtMs - report.startedAtMs) / 1_000)} s`],
    ['release', report.release],
    ['runtime', report.runtime],
    ['seed', String(report.seed)],
    ['load', `${load.executor}, ${load.arrivals} arrivals at ${formatNumber(load.achievedRate)}/s (target ${formatNumber(load.targetRate)}/s), ${load.dropped} dropped`],
  ];
}

export function renderRunPage(report: Report): string {
  const distribution = distributionChart(report);
  const sections = [
    verdictSection(report),
    chartSection(latencyChart(report), report.timeline.some((e) => e.source === 'fault' && e.type === 'inject') || report.steps.length ? { lead: TIME_LEAD } : {}),
    chartSection(loadChart(report)),
    ...stackCharts(report).map((spec) => chartSection(spec)),
    thresholdsSection(report),
    distribution ? chartSection(distribution.spec, { figures: distribution.figures, lead: 'Latency at each percentile, for the whole run and for each phase; both axes are logarithmic.' }) : '',
    stepsSection(report),
    timelineSection(report),
    servicesSection(report),
    errorsSection(report),
  ];
  return renderHtmlPage({
    title: `${report.scenario.name} · ${report.verdict.toUpperCase()} · drill`,
    heading: `${report.scenario.name} · release ${report.release}`,
    facts: facts(report),
    sections: sections.filter(Boolean),
    footer: `drill ${report.drillVersion} · ${report.schema} · scenario ${report.scenario.file} (sha256 ${report.scenario.sha256.slice(0, 12)})${report.scenario.description ? ` · ${report.scenario.description}` : ''}`,
  });
}
