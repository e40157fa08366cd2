/**
 * The latency distribution of a run from its stored HdrHistograms: latency at each percentile, the whole run and
 * each phase overlaid, on log scales (x = 1 / (1 − q), so p90, p99 and p99.9 are equally spaced).
 */
import { LatencyHistogram } from '../../load/latency-histogram.ts';
import type { Report } from '../report-schema.ts';
import type { ChartSpec } from './chart-spec.ts';
import type { TableSpec } from './html-table.ts';
import { formatNumber } from '../format.ts';

/** The latency SLI each workload drives (its driver's `latencySli`), in the order tried. */
const PRIMARY_LATENCY = ['reply_latency', 'http_req_duration', 'input_to_present'];
/** Steps per decade of 1 / (1 − q), up to p99.999. */
const STEPS_PER_DECADE = 10;
const DECADES = 5;
const TABLE_PERCENTILES = [50, 90, 99, 99.9, 100];

/** The x values of a percentile chart: 1 / (1 − q) from p0 to p99.999, evenly spaced on a log axis. */
export const PERCENTILE_XS: readonly number[] = Array.from({ length: DECADES * STEPS_PER_DECADE + 1 }, (_, k) => 10 ** (k / STEPS_PER_DECADE));

/** The percentile x axis of a distribution chart. */
export const PERCENTILE_AXIS = { label: 'percentile', format: 'percentile', log: true } as const;

/** Latency at each of `PERCENTILE_XS`; a log axis has no 0, so values under 1 µs are shown as 1 µs. */
export function percentileValues(h: LatencyHistogram): number[] {
  return PERCENTILE_XS.map((x) => Math.max(0.001, h.percentileMs(100 * (1 - 1 / x))));
}

/** The heading and one row per histogram of a distribution's text alternative: samples, p50…p99.9, max. */
export const PERCENTILE_HEAD = ['samples', ...TABLE_PERCENTILES.map((p) => (p === 100 ? 'max' : `p${p}`))];
export function percentileRow(h: LatencyHistogram): (string | number)[] {
  return [h.count, ...TABLE_PERCENTILES.map((p) => formatNumber(h.percentileMs(p)))];
}

/** The histogram to show: the workload's latency SLI, else the first trend that is not a harness figure. */
export function primaryLatencySli(report: Report): string | undefined {
  const trends = Object.entries(report.slis).filter(([, v]) => v.kind === 'trend' && v.histogram && report.histograms[v.histogram]);
  const names = trends.map(([name]) => name);
  return PRIMARY_LATENCY.find((n) => names.includes(n)) ?? names.find((n) => !n.endsWith('_uncorrected') && n !== 'schedule_lag');
}

function decode(report: Report, name: string): LatencyHistogram | undefined {
  const stored = report.histograms[name];
  if (!stored || stored.count === 0) return undefined;
  return LatencyHistogram.fromJSON(stored);
}

/** The run, then each phase that has samples. */
function histogramsOf(report: Report, sli: string): { label: string; histogram: LatencyHistogram }[] {
  const run = decode(report, sli);
  const phases = report.phases.length > 1 ? report.phases.map((p) => ({ label: p.name, histogram: decode(report, `${p.name}/${sli}`) })) : [];
  return [{ label: 'whole run', histogram: run }, ...phases].filter((h): h is { label: string; histogram: LatencyHistogram } => h.histogram !== undefined);
}

export function distributionChart(report: Report): { spec: ChartSpec; figures: TableSpec } | undefined {
  const sli = primaryLatencySli(report);
  if (!sli) return undefined;
  const unit = report.slis[sli]?.unit ?? 'ms';
  const histograms = histogramsOf(report, sli);
  const spec: ChartSpec = {
    id: 'chart-distribution',
    title: `Latency distribution: ${sli}`,
    x: PERCENTILE_AXIS,
    y: { label: unit, log: true },
    xValues: [...PERCENTILE_XS],
    series: histograms.map((h) => ({ label: `${h.label} (n=${h.histogram.count})`, values: percentileValues(h.histogram) })),
    heightPx: 300,
  };
  const figures: TableSpec = {
    caption: `${sli} at each percentile, ${unit}`,
    head: ['histogram', ...PERCENTILE_HEAD],
    rows: histograms.map((h) => [h.label, ...percentileRow(h.histogram)]),
    numeric: [1, 2, 3, 4, 5, 6],
  };
  return { spec, figures };
}
