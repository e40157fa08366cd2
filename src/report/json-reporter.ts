/** Writes report.json, checked against the report schema first so a malformed report is never published. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Reporter } from './reporter.ts';
import { reportSchema, type Report } from './report-schema.ts';

export class JsonReporter implements Reporter {
  async onRunEnd(report: Report, runDir: string): Promise<void> {
    const checked = reportSchema.parse(report);
    await writeFile(path.join(runDir, 'report.json'), `${JSON.stringify(checked, null, 2)}\n`);
  }
}
