/** Writes report.json (atomically), checked against the report schema first so a malformed report is never published. */
import path from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.ts';
import type { Reporter } from './reporter.ts';
import { reportSchema, type Report } from './report-schema.ts';

const reportJson = (report: Report) => `${JSON.stringify(reportSchema.parse(report), null, 2)}\n`;

export class JsonReporter implements Reporter {
  async onRunEnd(report: Report, runDir: string): Promise<void> {
    await writeFileAtomic(path.join(runDir, 'report.json'), reportJson(report));
  }

  onHardStop(report: Report, runDir: string): void {
    writeFileAtomicSync(path.join(runDir, 'report.json'), reportJson(report));
  }
}
