/**
 * The run history: plain, diffable files small enough to commit (report.json keeps encoded histograms, not raw
 * samples).
 *
 *   <root>/<scenario-or-drill>/<release>/<run-id>/report.json
 *   <root>/<scenario>/<release>/<run-id>/capacity.json     a `drill capacity` run
 *   <root>/<scenario-or-drill>/baseline.json          the marked known-good baseline: release and run ids
 *   <root>/<scenario-or-drill>/judgements/<release>.json   the latest gate or canary judgement of a candidate
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { reportSchema, type Report } from '../report/report-schema.ts';
import { CompareInputError } from './compare-errors.ts';

export const baselineMarkSchema = z.object({ release: z.string(), runIds: z.array(z.string()).min(1), markedAtMs: z.number() });
export type BaselineMark = z.infer<typeof baselineMarkSchema>;

export const judgementSchema = z.object({
  kind: z.enum(['gate', 'canary']),
  candidate: z.string(),
  baseline: baselineMarkSchema.pick({ release: true, runIds: true }),
  verdict: z.enum(['pass', 'marginal', 'fail', 'cannot-judge']),
  score: z.number().nullable(),
  reasons: z.array(z.string()),
  rollbackRules: z.array(z.string()),
  atMs: z.number(),
});
export type Judgement = z.infer<typeof judgementSchema>;

export interface StoredRun {
  scenario: string;
  release: string;
  runId: string;
  dir: string;
}

const SAFE = /^[0-9A-Za-z][0-9A-Za-z._+-]*$/;

function segment(value: string, what: string): string {
  if (!SAFE.test(value)) throw new CompareInputError(`${what} "${value}" cannot name a history folder: use letters, digits, . _ + -`);
  return value;
}

export class HistoryStore {
  constructor(readonly root: string) {}

  async save(report: Report): Promise<string> {
    const dir = path.join(this.root, segment(report.scenario.name, 'scenario'), segment(report.release, 'release'), segment(report.runId, 'run id'));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    return dir;
  }

  async runs(scenario?: string): Promise<StoredRun[]> {
    const scenarios = scenario ? [segment(scenario, 'scenario')] : await subfolders(this.root);
    const runs: StoredRun[] = [];
    for (const s of scenarios) {
      for (const release of await subfolders(path.join(this.root, s))) {
        if (release === 'judgements') continue;
        for (const runId of await subfolders(path.join(this.root, s, release))) {
          const dir = path.join(this.root, s, release, runId);
          if (existsSync(path.join(dir, 'report.json'))) runs.push({ scenario: s, release, runId, dir });
        }
      }
    }
    return runs.sort((a, b) => a.runId.localeCompare(b.runId));
  }

  /** Keeps a capacity run (`drill capacity`) beside the run reports of its scenario and release. */
  async saveCapacity(scenario: string, release: string, runId: string, json: unknown): Promise<string> {
    const dir = path.join(this.root, segment(scenario, 'scenario'), segment(release, 'release'), segment(runId, 'run id'));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'capacity.json'), `${JSON.stringify(json, null, 2)}\n`);
    return dir;
  }

  /** The capacity runs of a scenario, oldest first; `file` is each one's capacity.json. */
  async capacityRuns(scenario: string): Promise<(StoredRun & { file: string })[]> {
    const runs: (StoredRun & { file: string })[] = [];
    for (const release of await subfolders(path.join(this.root, segment(scenario, 'scenario')))) {
      if (release === 'judgements') continue;
      for (const runId of await subfolders(path.join(this.root, scenario, release))) {
        const dir = path.join(this.root, scenario, release, runId);
        const file = path.join(dir, 'capacity.json');
        if (existsSync(file)) runs.push({ scenario, release, runId, dir, file });
      }
    }
    return runs.sort((a, b) => a.runId.localeCompare(b.runId));
  }

  async read(run: StoredRun): Promise<Report> {
    return readReportFile(path.join(run.dir, 'report.json'));
  }

  async markBaseline(scenario: string, release: string, runIds: string[]): Promise<BaselineMark> {
    const mark: BaselineMark = { release, runIds, markedAtMs: Date.now() };
    await this.writeJson(path.join(segment(scenario, 'scenario'), 'baseline.json'), mark);
    return mark;
  }

  async baseline(scenario: string): Promise<BaselineMark | undefined> {
    return this.readJson(path.join(segment(scenario, 'scenario'), 'baseline.json'), baselineMarkSchema);
  }

  async recordJudgement(scenario: string, judgement: Judgement): Promise<void> {
    await this.writeJson(path.join(segment(scenario, 'scenario'), 'judgements', `${segment(judgement.candidate, 'release')}.json`), judgement);
  }

  async judgement(scenario: string, release: string): Promise<Judgement | undefined> {
    return this.readJson(path.join(segment(scenario, 'scenario'), 'judgements', `${segment(release, 'release')}.json`), judgementSchema);
  }

  private async writeJson(relative: string, value: unknown): Promise<void> {
    const file = path.join(this.root, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  }

  private async readJson<T>(relative: string, schema: z.ZodType<T>): Promise<T | undefined> {
    const file = path.join(this.root, relative);
    if (!existsSync(file)) return undefined;
    const parsed = schema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new CompareInputError(`${file} is not valid: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }
}

export async function readReportFile(file: string): Promise<Report> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CompareInputError(`cannot read report ${file}: ${(error as Error).message}`, { cause: error });
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) throw new CompareInputError(`${file} is not a drill report: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

async function subfolders(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}
