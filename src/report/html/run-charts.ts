/**
 * The time-series charts of a run page: latency percentiles, load (target and achieved rate, errors, drops) and
 * the stack's own levels (Signal queues, Wavry sessions and relays). Each recipe names its columns; a chart whose
 * columns are not in the report is left out, so one page fits every workload.
 */
import type { Report } from '../report-schema.ts';
import type { ChartSeries, ChartSpec } from './chart-spec.ts';
import { runAnnotations } from './run-annotations.ts';
import { RunSeries } from './run-series.ts';

const ERROR_COLUMNS = ['failed', 'replies_missing', 'inject_errors', 'duplicate_replies', 'setup_failures', 'session_drops', 'relay_lease_rejects'];

function timeChart(report: Report, base: Omit<ChartSpec, 'xValues' | 'x' | 'bands' | 'marks'>): ChartSpec {
  const series = new RunSeries(report.series);
  return { ...base, x: { label: 's since load start', format: 'seconds' }, xValues: series.xValues, ...runAnnotations(report) };
}

export function latencyChart(report: Report): ChartSpec {
  const s = new RunSeries(report.series);
  const series: ChartSeries[] = ['p50', 'p95', 'p99']
    .filter((p) => s.has(`latency_${p}`))
    .map((p) => ({ label: `${p} latency`, values: s.level(`latency_${p}`) }));
  return timeChart(report, { id: 'chart-latency', title: 'Latency per interval', y: { label: 'ms' }, series, heightPx: 300 });
}

export function loadChart(report: Report): ChartSpec {
  const s = new RunSeries(report.series);
  const series: ChartSeries[] = [];
  // Dropped arrivals always show (a flat 0 says none were); error series only for errors that occurred.
  // The target in black dashes over the achieved rate (solid): where they part, the generator fell behind.
  if (s.has('scheduled')) series.push({ label: 'target rate', values: s.perSecond('scheduled'), color: '#000000', dash: [4, 4] });
  if (s.has('arrivals')) series.push({ label: 'achieved rate', values: s.perSecond('arrivals'), color: '#0072B2', dash: [] });
  const errors = [...ERROR_COLUMNS.filter((c) => s.has(c)), ...s.matching(/^control_plane_.+_failures$/)];
  const y2Colours = ['#D55E00', '#CC79A7', '#E69F00', '#009E73', '#56B4E9'];
  const y2 = [...errors.map((c) => ({ column: c, label: `${c.replaceAll('_', ' ')} / interval` })), ...(s.has('dropped') || s.has('arrivals') ? [{ column: 'dropped', label: 'dropped arrivals / interval' }] : [])];
  y2.forEach(({ column, label }, i) => series.push({ label, values: s.count(column), scale: 'y2', color: y2Colours[i % y2Colours.length]! }));
  return timeChart(report, {
    id: 'chart-load',
    title: 'Load: target and achieved rate, errors, dropped arrivals',
    y: { label: 'arrivals/s' },
    y2: { label: `per ${s.intervalS} s interval` },
    series,
  });
}

function signalChart(report: Report, s: RunSeries): ChartSpec | undefined {
  if (!s.has('queue_depth') && !s.has('dlq_depth')) return undefined;
  const levels = ['queue_depth', 'dlq_depth'].filter((c) => s.has(c)).map((c) => ({ label: c.replace('_', ' '), values: s.level(c) }));
  const states = [
    ['breaker_open', 'breaker open (1 = open)'],
    ['websocket_up', 'websocket up (1 = up)'],
  ].filter(([c]) => s.has(c!));
  const stateSeries = states.map(([c, label]) => ({ label: label!, values: s.level(c!), scale: 'y2' as const, stepped: true }));
  return timeChart(report, {
    id: 'chart-signal',
    title: 'Signal bot: queue and dead-letter queue depth',
    y: { label: 'messages' },
    y2: { label: 'state', min: 0 },
    series: [...levels, ...stateSeries],
  });
}

function wavrySessionsChart(report: Report, s: RunSeries): ChartSpec | undefined {
  if (!s.has('sessions_started')) return undefined;
  const direct = s.count('sessions_direct');
  const relay = s.count('sessions_relay');
  const share = relay.map((r, i) => (r + direct[i]! > 0 ? (100 * r) / (r + direct[i]!) : null));
  const counts = ['sessions_started', 'sessions_direct', 'sessions_relay', 'setup_failures'].filter((c) => s.has(c));
  return timeChart(report, {
    id: 'chart-sessions',
    title: 'Wavry: sessions and relay share',
    y: { label: `sessions per ${s.intervalS} s` },
    y2: { label: 'relay share', format: 'percent', min: 0 },
    series: [...counts.map((c) => ({ label: c.replaceAll('_', ' '), values: s.count(c) })), { label: 'relay share %', values: share, scale: 'y2' }],
  });
}

function wavryRelaysChart(report: Report, s: RunSeries): ChartSpec | undefined {
  // States no relay was ever in are left out: seven flat lines at 0 would hide the ones that matter.
  const seen = s.matching(/^relays_(new|probation|active|degraded|draining|quarantined|banned)$/).filter((c) => s.level(c).some((v) => v !== null && v > 0));
  const states = ['relays_assignable', ...seen];
  if (!states.some((c) => s.has(c))) return undefined;
  return timeChart(report, {
    id: 'chart-relays',
    title: 'Wavry: relays by state (states never seen are left out)',
    y: { label: 'relays' },
    series: states.filter((c) => s.has(c)).map((c) => ({ label: c.replace('relays_', ''), values: s.level(c), stepped: true })),
  });
}

/** The charts of the stack under test, by the columns its workload recorded. */
export function stackCharts(report: Report): ChartSpec[] {
  const s = new RunSeries(report.series);
  return [signalChart(report, s), wavrySessionsChart(report, s), wavryRelaysChart(report, s)].filter((c) => c !== undefined);
}
