/** Writes a capacity run's files into its run folder: capacity.json, capacity.md and capacity.html. */
import path from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '../report/atomic-write.ts';
import type { CapacityReport } from './capacity-report-schema.ts';
import { capacityMarkdown } from './capacity-markdown.ts';
import { capacityHtml } from './capacity-html.ts';

function files(report: CapacityReport): [string, string][] {
  return [
    ['capacity.json', `${JSON.stringify(report, null, 2)}\n`],
    ['capacity.md', capacityMarkdown(report)],
    ['capacity.html', capacityHtml(report)],
  ];
}

export async function writeCapacityFiles(runDir: string, report: CapacityReport): Promise<void> {
  for (const [name, text] of files(report)) await writeFileAtomic(path.join(runDir, name), text);
}

/** For a hard stop: the process exits right after. */
export function writeCapacityFilesSync(runDir: string, report: CapacityReport): void {
  for (const [name, text] of files(report)) writeFileAtomicSync(path.join(runDir, name), text);
}
