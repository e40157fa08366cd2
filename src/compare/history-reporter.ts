/** A reporter that keeps every finished run in the history, next to the run folder's own report. */
import type { Reporter } from '../report/reporter.ts';
import type { Report } from '../report/report-schema.ts';
import { HistoryStore } from './history-store.ts';

/** Runs that errored or were interrupted measured nothing worth comparing and are not kept. */
const KEPT: readonly Report['verdict'][] = ['pass', 'fail', 'aborted'];

export class HistoryReporter implements Reporter {
  /** Where the last run was kept, if it was. */
  savedDir: string | undefined;

  constructor(private readonly store: HistoryStore) {}

  async onRunEnd(report: Report): Promise<void> {
    if (KEPT.includes(report.verdict)) this.savedDir = await this.store.save(report);
  }
}
