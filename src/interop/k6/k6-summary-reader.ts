/**
 * Reads k6's `--summary-export` file: `metrics` maps a metric (or a sub-metric such as
 * `reply_latency{phase:baseline}`) to its values — trend: avg, min, med, max, p(N), count when asked for; rate:
 * value, passes, fails; counter: count, rate; gauge: value, min, max — and, when thresholds were set, to
 * `thresholds: { expression: failed }` (true means the threshold failed).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from './input-error.ts';

const metricValues = z.record(z.string(), z.union([z.number(), z.record(z.string(), z.boolean())]));

const summarySchema = z.object({
  metrics: z.record(z.string(), metricValues),
  root_group: z.unknown().optional(),
});

export interface SummaryMetric {
  key: string;
  values: Record<string, number>;
  /** Expression → failed. */
  thresholds: Record<string, boolean>;
}

export interface K6Summary {
  file: string;
  text: string;
  metrics: SummaryMetric[];
}

export async function readK6Summary(file: string): Promise<K6Summary> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: cannot read the k6 summary: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file}: not JSON (${(error as Error).message}); give the file k6 wrote with --summary-export`, { cause: error });
  }
  const parsed = summarySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(`${file}: not a k6 --summary-export file: \`${issue.path.join('.')}\`: ${issue.message}`);
  }
  const metrics = Object.entries(parsed.data.metrics).map(([key, entry]) => {
    const values: Record<string, number> = {};
    let thresholds: Record<string, boolean> = {};
    for (const [name, value] of Object.entries(entry)) {
      if (typeof value === 'number') values[name] = value;
      else if (name === 'thresholds') thresholds = value;
    }
    return { key, values, thresholds };
  });
  return { file, text, metrics };
}
