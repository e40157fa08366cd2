/**
 * The suite history: earlier suite reports under the monthly folder, read back for the trend. A missing folder is
 * an empty history (the first suite starts it); a file that is not a suite report is skipped and named.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-write.ts';
import { renderSuitePage } from './html/suite-page.ts';
import { renderSuiteMarkdown } from './suite-markdown.ts';
import { suiteReportSchema, trendPointOf, type SuiteReport, type TrendPoint } from './suite-report.ts';

const SUITE_FILE = /^suite-.*\.json$/;

export async function readHistory(dir: string): Promise<{ points: TrendPoint[]; skipped: string[] }> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const points: TrendPoint[] = [];
  const skipped: string[] = [];
  for (const name of names.filter((n) => SUITE_FILE.test(n)).sort()) {
    const parsed = suiteReportSchema.safeParse(JSON.parse(await readFile(path.join(dir, name), 'utf8').catch(() => 'null')));
    if (parsed.success) points.push(trendPointOf(parsed.data));
    else skipped.push(name);
  }
  return { points: points.sort((a, b) => a.startedAtMs - b.startedAtMs), skipped };
}

/** Writes `suite-<id>.json`, `.md` and `.html` (each atomically) with the trend (history, then this suite); returns the JSON file's path. */
export async function writeSuiteReport(dir: string, suite: Omit<SuiteReport, 'trend'>): Promise<{ file: string; report: SuiteReport; skipped: string[] }> {
  const { points, skipped } = await readHistory(dir);
  const report = suiteReportSchema.parse({ ...suite, trend: [...points.filter((p) => p.suiteId !== suite.suiteId), trendPointOf(suite)] });
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `suite-${suite.suiteId}.json`);
  await writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(file.replace(/\.json$/, '.md'), renderSuiteMarkdown(report));
  await writeFileAtomic(file.replace(/\.json$/, '.html'), renderSuitePage(report));
  return { file, report, skipped };
}
