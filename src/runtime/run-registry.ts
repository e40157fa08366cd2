/**
 * A record of every run in progress and what it started (process groups now, containers later), kept on disk
 * so that a harness killed with SIGKILL can be cleaned up by the next `drill` start.
 *
 * Each run writes `<stateDir>/<runId>.json`; the record is removed when the run tears down. A record whose
 * harness is gone marks a dead run: `reapDeadRuns` kills what it lists and removes it.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../common/logger.ts';
import { isSameProcessAlive, processStartTicks } from './process-info.ts';

export interface ChildRecord {
  service: string;
  pid: number;
  /** Process group the child leads (spawned detached), killed as a whole. */
  pgid: number;
  startTicks: number | undefined;
}

export interface ContainerRecord {
  service: string;
  id: string;
}

export interface RunRecord {
  runId: string;
  harnessPid: number;
  harnessStartTicks: number | undefined;
  startedAt: string;
  scenario: string;
  children: ChildRecord[];
  containers: ContainerRecord[];
}

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

/** Reads every record in `stateDir`; records of live harnesses are left alone. */
export function deadRuns(stateDir = defaultStateDir()): { file: string; record: RunRecord }[] {
  let names: string[];
  try {
    names = readdirSync(stateDir).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const dead: { file: string; record: RunRecord }[] = [];
  for (const name of names) {
    const file = path.join(stateDir, name);
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
      if (!isSameProcessAlive(record.harnessPid, record.harnessStartTicks ?? undefined)) dead.push({ file, record });
    } catch {
      // A record cut short by a crash mid-write: nothing in it can be trusted, so drop it.
      rmSync(file, { force: true });
    }
  }
  return dead;
}

/**
 * Kills the process groups of runs whose harness is gone and removes their records. Containers are handed to
 * `removeContainers` (the container runtime supplies it) since this module knows nothing of Docker.
 */
export async function reapDeadRuns(options: {
  stateDir?: string;
  logger?: Logger;
  removeContainers?: (ids: string[], runId: string) => Promise<void>;
} = {}): Promise<ReapResult[]> {
  const results: ReapResult[] = [];
  for (const { file, record } of deadRuns(options.stateDir)) {
    const killedPids: number[] = [];
    for (const child of record.children) {
      if (!isSameProcessAlive(child.pid, child.startTicks ?? undefined)) continue;
      for (const target of [-child.pgid, child.pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          /* gone already */
        }
      }
      killedPids.push(child.pid);
    }
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

/**
 * Last resort on a second Ctrl-C: SIGKILL every child recorded by runs of this very process, synchronously,
 * without waiting for graceful stops.
 */
export function killOwnChildren(stateDir = defaultStateDir()): number {
  let killed = 0;
  let names: string[] = [];
  try {
    names = readdirSync(stateDir).filter((n) => n.endsWith('.json'));
  } catch {
    return 0;
  }
  for (const name of names) {
    try {
      const record = JSON.parse(readFileSync(path.join(stateDir, name), 'utf8')) as RunRecord;
      if (record.harnessPid !== process.pid) continue;
      for (const child of record.children) {
        try {
          process.kill(-child.pgid, 'SIGKILL');
          killed++;
        } catch {
          /* gone */
        }
      }
    } catch {
      /* unreadable record: the reaper deals with it */
    }
  }
  return killed;
}
