/** Writes report.html: one self-contained page of the run (charts and styles inlined; opens offline). */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderRunPage } from './html/run-page.ts';
import type { Reporter } from './reporter.ts';
import type { Report } from './report-schema.ts';

export class HtmlReporter implements Reporter {
  async onRunEnd(report: Report, runDir: string): Promise<void> {
    await writeFile(path.join(runDir, 'report.html'), renderRunPage(report));
  }
}
