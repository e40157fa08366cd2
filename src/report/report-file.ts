/** Reads a report.json back, for commands that work on finished runs; every problem is a ReportFileError. */
import { readFile } from 'node:fs/promises';
import { ReportFileError } from '../common/errors.ts';
import { reportSchema, type Report } from './report-schema.ts';

export async function readReportFile(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ReportFileError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; give the report.json of a run`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReportFileError(`${file} is not JSON (${(error as Error).message}); give the report.json of a run`, { cause: error });
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `  - \`${i.path.join('.') || '(root)'}\`: ${i.message}`);
    throw new ReportFileError(`${file} is not a drill report (schema ${reportSchema.shape.schema.value}):\n${issues.join('\n')}`);
  }
  return parsed.data;
}
