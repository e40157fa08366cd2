/**
 * The on-disk record of a run in progress (`<stateDir>/<runId>.json`), its schema, and how records are read back.
 * Anything in the state folder that is not a valid record is skipped and reported, never trusted and never
 * deleted: drill removes only files it can show it wrote.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** A pid drill could have started: not 0 (the caller's own group) and not 1 (init; -1 is every process). */
const childPid = z.number().int().min(2).max(4_194_304);

const childRecordSchema = z.strictObject({
  service: z.string(),
  pid: childPid,
  /** Process group the child leads (spawned detached, so equal to its pid), killed as a whole. */
  pgid: childPid,
  /** Start time in clock ticks since boot; without it the pid cannot be told from a reused one. */
  startTicks: z.number().int().nonnegative().optional(),
});

const containerRecordSchema = z.strictObject({ service: z.string(), id: z.string().regex(/^[0-9a-f]{12,64}$/) });

export const runRecordSchema = z.strictObject({
  /** A file name: the record is `<runId>.json` (`newRunId` makes `<scenario>-<time>-<4 hex>`). */
  runId: z.string().max(200).regex(/^[a-z0-9][a-z0-9._-]*$/i),
  harnessPid: z.number().int().min(1),
  harnessStartTicks: z.number().int().nonnegative().optional(),
  startedAt: z.string(),
  scenario: z.string(),
  children: z.array(childRecordSchema),
  containers: z.array(containerRecordSchema),
});

export type ChildRecord = z.infer<typeof childRecordSchema>;
export type ContainerRecord = z.infer<typeof containerRecordSchema>;
export type RunRecord = z.infer<typeof runRecordSchema>;

export interface StoredRecord {
  file: string;
  record: RunRecord;
}

/** A file of the state folder that is not a record drill wrote: left in place, reported. */
export interface BadRecord {
  file: string;
  problem: string;
}

/** Every `*.json` of `stateDir`: the valid records, and the files that are not (with why). */
export function readRunRecords(stateDir: string): { records: StoredRecord[]; bad: BadRecord[] } {
  let names: string[];
  try {
    names = readdirSync(stateDir).filter((n) => n.endsWith('.json'));
  } catch {
    return { records: [], bad: [] };
  }
  const records: StoredRecord[] = [];
  const bad: BadRecord[] = [];
  for (const name of names.sort()) {
    const file = path.join(stateDir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      bad.push({ file, problem: `not JSON (${(error as Error).message.split('\n')[0]})` });
      continue;
    }
    const parsed = runRecordSchema.safeParse(raw);
    if (!parsed.success) {
      bad.push({ file, problem: `not a run record: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'} ${i.message}`).join('; ')}` });
    } else if (`${parsed.data.runId}.json` !== name) {
      bad.push({ file, problem: `names run ${parsed.data.runId}, which drill records in ${parsed.data.runId}.json` });
    } else records.push({ file, record: parsed.data });
  }
  return { records, bad };
}
