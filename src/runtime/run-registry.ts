/**
 * A record of every run in progress and what it started (process groups now, containers later), kept on disk
 * so that a harness killed with SIGKILL can be cleaned up by the next `drill` start.
 *
 * Each run writes `<stateDir>/<runId>.json`; the record is removed when the run tears down. A record whose
 * harness is gone marks a dead run: `reapDeadRuns` kills what it lists and removes it.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../common/logger.ts';
import { isSameProcessAlive, processGroupOf, processStartTicks } from './process-info.ts';
import { readRunRecords, type BadRecord, type ChildRecord, type RunRecord, type StoredRecord } from './run-record.ts';

export type { ChildRecord, ContainerRecord, RunRecord } from './run-record.ts';

export interface ReapResult {
  runId: string;
  killedPids: number[];
  containers: string[];
}

export function defaultStateDir(): string {
  return process.env.DRILL_STATE_DIR ?? path.join(os.homedir(), '.drill', 'runs');
}

export class RunRegistry {
  private readonly file: string;
  private readonly record: RunRecord;

  private constructor(stateDir: string, record: RunRecord) {
    mkdirSync(stateDir, { recursive: true });
    this.file = path.join(stateDir, `${record.runId}.json`);
    this.record = record;
    this.flush();
  }

  static open(runId: string, scenario: string, stateDir = defaultStateDir()): RunRegistry {
    return new RunRegistry(stateDir, {
      runId,
      harnessPid: process.pid,
      harnessStartTicks: processStartTicks(process.pid),
      startedAt: new Date().toISOString(),
      scenario,
      children: [],
      containers: [],
    });
  }

  get runId(): string {
    return this.record.runId;
  }

  addChild(service: string, pid: number): void {
    this.record.children.push({ service, pid, pgid: pid, startTicks: processStartTicks(pid) });
    this.flush();
  }

  removeChild(pid: number): void {
    this.record.children = this.record.children.filter((c) => c.pid !== pid);
    this.flush();
  }

  addContainer(service: string, id: string): void {
    this.record.containers.push({ service, id });
    this.flush();
  }

  removeContainer(id: string): void {
    this.record.containers = this.record.containers.filter((c) => c.id !== id);
    this.flush();
  }

  /** The run ended and cleaned up after itself. */
  close(): void {
    rmSync(this.file, { force: true });
  }

  private flush(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(this.record, null, 2));
    renameSync(temporary, this.file);
  }
}

/** Records in `stateDir` whose harness is gone (records of live harnesses are left alone), and the files that are not records. */
export function deadRuns(stateDir = defaultStateDir()): { dead: StoredRecord[]; bad: BadRecord[] } {
  const { records, bad } = readRunRecords(stateDir);
  return { dead: records.filter(({ record }) => !isSameProcessAlive(record.harnessPid, record.harnessStartTicks)), bad };
}

/**
 * Why drill must not signal the group a child record names, or undefined when it may: the pid must still be the
 * process drill started (same start time, so not a reused pid) and still lead the group drill created for it
 * (spawned detached: pgid = pid), which must not be drill's own group.
 */
export function unsafeToKill(child: ChildRecord): string | undefined {
  if (child.pgid !== child.pid) return `pgid ${child.pgid} is not the group drill created for pid ${child.pid}`;
  if (child.startTicks === undefined) return `pid ${child.pid} has no recorded start time, so a reused pid cannot be ruled out`;
  if (!isSameProcessAlive(child.pid, child.startTicks)) return 'gone';
  if (processGroupOf(child.pid) !== child.pgid) return `pid ${child.pid} no longer leads process group ${child.pgid}`;
  if (child.pgid === processGroupOf(process.pid)) return `process group ${child.pgid} is drill's own`;
  return undefined;
}

/** SIGKILLs the group of a verified child; returns whether it did. */
function killChild(child: ChildRecord, logger: Logger | undefined): boolean {
  const problem = unsafeToKill(child);
  if (problem) {
    if (problem !== 'gone') logger?.warn(`Not killing ${child.service} (pid ${child.pid}): ${problem}`);
    return false;
  }
  try {
    process.kill(-child.pgid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills the process groups of runs whose harness is gone and removes their records. Containers are handed to
 * `removeContainers` (the container runtime supplies it) since this module knows nothing of Docker. Files of the
 * state folder that are not records are reported and left alone.
 */
export async function reapDeadRuns(options: {
  stateDir?: string;
  logger?: Logger;
  removeContainers?: (ids: string[], runId: string) => Promise<void>;
} = {}): Promise<ReapResult[]> {
  const results: ReapResult[] = [];
  const { dead, bad } = deadRuns(options.stateDir);
  for (const { file, problem } of bad) options.logger?.warn(`Skipped ${file}: ${problem}; drill did not write it as it is, so it is left in place`);
  for (const { file, record } of dead) {
    const killedPids = record.children.filter((child) => killChild(child, options.logger)).map((child) => child.pid);
    const containers = record.containers.map((c) => c.id);
    if (containers.length > 0) {
      // Keep the record until something that can remove containers gets to it.
      if (!options.removeContainers) continue;
      try {
        await options.removeContainers(containers, record.runId);
      } catch (error) {
        // The engine is unreachable: keep the record for a later start rather than fail this one.
        options.logger?.warn(`Could not remove containers of dead run ${record.runId}: ${(error as Error).message}`);
        continue;
      }
    }
    rmSync(file, { force: true });
    options.logger?.warn(
      `Reaped dead run ${record.runId} (harness pid ${record.harnessPid}): killed ${killedPids.length} process(es)${containers.length ? `, removed ${containers.length} container(s)` : ''}`,
    );
    results.push({ runId: record.runId, killedPids, containers });
  }
  return results;
}

/** Records of runs of this very process. */
export function ownRunRecords(stateDir = defaultStateDir()): RunRecord[] {
  return readRunRecords(stateDir)
    .records.map(({ record }) => record)
    .filter((record) => record.harnessPid === process.pid);
}

/**
 * Last resort on a second Ctrl-C: SIGKILL every child recorded by runs of this very process, synchronously,
 * without waiting for graceful stops (each checked as the reaper checks it).
 */
export function killOwnChildren(stateDir = defaultStateDir()): number {
  return ownRunRecords(stateDir)
    .flatMap((record) => record.children)
    .filter((child) => killChild(child, undefined)).length;
}
