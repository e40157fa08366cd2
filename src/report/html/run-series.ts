/** Reads a run's time series (`report.series`) by column: levels keep their gaps, counts read a gap as 0. */
import type { Report } from '../report-schema.ts';

export class RunSeries {
  readonly xValues: number[];
  readonly intervalS: number;

  constructor(private readonly series: Report['series']) {
    this.xValues = series.rows.map((row) => (row[0] ?? 0) / 1_000);
    this.intervalS = series.intervalMs / 1_000;
  }

  has(column: string): boolean {
    return this.series.columns.includes(column);
  }

  /** Columns matching `pattern`, in their order. */
  matching(pattern: RegExp): string[] {
    return this.series.columns.filter((c) => pattern.test(c));
  }

  /** A level column (sampled): null where nothing was sampled. */
  level(column: string): (number | null)[] {
    const i = this.series.columns.indexOf(column);
    return this.series.rows.map((row) => (i < 0 ? null : (row[i] ?? null)));
  }

  /** A count column (events per interval): an interval without events is 0. */
  count(column: string): number[] {
    return this.level(column).map((v) => v ?? 0);
  }

  /** A count column as events per second. */
  perSecond(column: string): number[] {
    return this.count(column).map((v) => v / this.intervalS);
  }
}
