/**
 * The month-over-month trend of a suite page as charts: per drill its longest recovery and the error budget it
 * spent, one point per suite run (oldest first, this suite last), with a mark at every suite run a drill did not
 * pass. The text alternative of each chart is the same figures as a table, one row per suite run.
 */
import { formatSeconds, formatShare } from '../format.ts';
import type { SuiteReport, TrendPoint } from '../suite-report.ts';
import type { ChartMark, ChartSpec } from './chart-spec.ts';
import type { TableSpec } from './html-table.ts';

type TrendDrill = TrendPoint['drills'][string];

interface TrendMeasure {
  id: string;
  title: string;
  y: ChartSpec['y'];
  /** The plotted value of a drill at one suite run. */
  value: (d: TrendDrill) => number | null;
  /** The same in words, for the table. */
  text: (d: TrendDrill) => string;
}

const MEASURES: TrendMeasure[] = [
  {
    id: 'chart-trend-recovery',
    title: 'Longest recovery per drill, by suite run',
    y: { label: 's' },
    value: (d) => (d.recoveryMs === null ? null : d.recoveryMs / 1_000),
    text: (d) => formatSeconds(d.recoveryMs),
  },
  {
    id: 'chart-trend-budget',
    title: 'Error budget spent per drill, by suite run',
    y: { label: 'budget spent', format: 'percent' },
    value: (d) => (d.budgetConsumed === null ? null : d.budgetConsumed * 100),
    text: (d) => formatShare(d.budgetConsumed),
  },
];

/** Drill names across the trend, in the order they first appear. */
export function trendDrillNames(trend: TrendPoint[]): string[] {
  return [...new Set(trend.flatMap((p) => Object.keys(p.drills)))];
}

const runLabel = (point: TrendPoint, i: number) => `#${i + 1} ${new Date(point.startedAtMs).toISOString().slice(0, 10)} ${point.suiteId}`;

/** A failure mark at each suite run where a drill did not pass (one mark per run, naming the drills). */
export function verdictMarks(trend: TrendPoint[]): ChartMark[] {
  return trend.flatMap((point, i): ChartMark[] => {
    const failed = Object.entries(point.drills).filter(([, d]) => d.verdict !== 'pass');
    if (point.verdict === 'pass' && failed.length === 0) return [];
    const what = failed.map(([name, d]) => `${name} ${d.verdict}`).join(', ');
    return [{ kind: 'failure', at: i + 1, label: `#${i + 1} ${point.verdict}${what ? `: ${what}` : ''}` }];
  });
}

function figures(trend: TrendPoint[], names: string[], measure: TrendMeasure): TableSpec {
  const rows = trend.map((point, i) => [runLabel(point, i), point.release, point.verdict, ...names.map((n) => {
    const d = point.drills[n];
    return d ? `${measure.text(d)} (${d.verdict})` : '–';
  })]);
  return { caption: `${measure.title}: figures`, head: ['suite run', 'release', 'suite verdict', ...names], rows };
}

/** The trend charts with their tables of figures. */
export function trendCharts(suite: SuiteReport): { spec: ChartSpec; figures: TableSpec }[] {
  const names = trendDrillNames(suite.trend);
  const xValues = suite.trend.map((_, i) => i + 1);
  const marks = verdictMarks(suite.trend);
  return MEASURES.map((measure) => ({
    spec: {
      id: measure.id,
      title: measure.title,
      x: { label: 'suite run (oldest first)', format: 'integer' },
      y: measure.y,
      xValues,
      series: names.map((n) => ({ label: n, values: suite.trend.map((p) => (p.drills[n] ? measure.value(p.drills[n]) : null)) })),
      marks,
    },
    figures: figures(suite.trend, names, measure),
  }));
}
