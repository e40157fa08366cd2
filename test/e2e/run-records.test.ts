/**
 * The reaper trusts nothing it reads: a record must pass the schema, and a child is killed only when its pid,
 * process group and start time all still say it is the process drill started, leading the group drill created.
 * Files in the state folder that are not records are reported and left in place.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger.ts';
import { isSameProcessAlive, processStartTicks } from '../../src/runtime/process-info.ts';
import { reapDeadRuns } from '../../src/runtime/run-registry.ts';
import type { ChildRecord, RunRecord } from '../../src/runtime/run-record.ts';

const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) child.kill('SIGKILL');
});

/** A process of our own, optionally leading its own group; it must survive unless the test says otherwise. */
function sleeper(detached: boolean): number {
  const child = spawn('sleep', ['60'], { detached, stdio: 'ignore' });
  started.push(child);
  return child.pid!;
}

/** A pid and start time of a process that has exited: the harness of a dead run. */
async function deadHarness(): Promise<{ harnessPid: number; harnessStartTicks: number | undefined }> {
  const child = spawn('sleep', ['0.2'], { stdio: 'ignore' });
  const harnessStartTicks = processStartTicks(child.pid!);
  await new Promise((resolve) => child.once('exit', resolve));
  return { harnessPid: child.pid!, harnessStartTicks };
}

let records = 0;
async function writeRecord(stateDir: string, children: Partial<ChildRecord>[]): Promise<string> {
  const runId = `reap-20261203-063000-${(records++).toString(16).padStart(4, '0')}`;
  const record = { runId, ...(await deadHarness()), startedAt: new Date().toISOString(), scenario: 'x.yaml', children, containers: [] };
  const file = path.join(stateDir, `${runId}.json`);
  writeFileSync(file, JSON.stringify(record satisfies Omit<RunRecord, 'children'> & { children: unknown[] }));
  return file;
}

function recordingLogger() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { logger: createLogger(stream, 'warn'), text: () => text };
}

/** `drill reap` in a process group of its own: a kill(-0) there would take down drill, not this test. */
async function drillReap(stateDir: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/drill.js', 'reap'], {
    detached: true,
    env: { ...process.env, DRILL_STATE_DIR: stateDir, DRILL_FROM_SOURCES: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
  return { code, signal, stdout, stderr };
}

describe('run records', () => {
  it('kills a verified child: pid alive with its start time, leading the group recorded', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'drill-records-'));
    const pid = sleeper(true);
    const file = await writeRecord(stateDir, [{ service: 'web', pid, pgid: pid, startTicks: processStartTicks(pid) }]);
    const reaped = await reapDeadRuns({ stateDir });
    expect(reaped.map((r) => r.killedPids)).toEqual([[pid]]);
    await expect.poll(() => isSameProcessAlive(pid)).toBe(false);
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    ['names another process group than its own pid', (pid: number, other: number) => ({ pid, pgid: other, startTicks: processStartTicks(pid) })],
    ['has no start time', (pid: number) => ({ pid, pgid: pid })],
    ['has a start time of another process (a reused pid)', (pid: number) => ({ pid, pgid: pid, startTicks: processStartTicks(pid)! + 1 })],
  ])('kills nothing when a child record %s', async (_what, child) => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'drill-records-'));
    const [pid, other] = [sleeper(true), sleeper(true)];
    const { logger, text } = recordingLogger();
    await writeRecord(stateDir, [{ service: 'web', ...child(pid, other) }]);
    await reapDeadRuns({ stateDir, logger });
    // A SIGKILL lands a moment after kill() returns: give a wrong kill time to show.
    await sleep(300);
    // A reused pid is another process: the child drill started is gone, nothing to say about it.
    if ((child(pid, other) as Partial<ChildRecord>).startTicks === processStartTicks(pid)) expect(text()).toMatch(new RegExp(`Not killing web \\(pid ${pid}\\)`));
    expect(isSameProcessAlive(pid)).toBe(true);
    expect(isSameProcessAlive(other)).toBe(true);
  });

  it('refuses pgid 0 and 1 at the schema, and leaves the record for a person to look at', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'drill-records-'));
    const pid = sleeper(false);
    const files = [await writeRecord(stateDir, [{ service: 'a', pid, pgid: 0, startTicks: processStartTicks(pid) }])];
    files.push(await writeRecord(stateDir, [{ service: 'b', pid, pgid: 1, startTicks: processStartTicks(pid) }]));
    const result = await drillReap(stateDir);
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stdout).toContain('nothing to reap');
    expect(result.stderr).toMatch(/Skipped .*reap-.*\.json: not a run record: children\.0\.pgid/);
    expect(isSameProcessAlive(pid)).toBe(true);
    for (const file of files) expect(existsSync(file)).toBe(true);
  });

  it('a record of the wrong shape or a file that is not JSON does not stop drill reap, and stays', async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), 'drill-records-'));
    writeFileSync(path.join(stateDir, 'empty.json'), '{}');
    writeFileSync(path.join(stateDir, 'notes.json'), 'not json at all');
    const pid = sleeper(true);
    await writeRecord(stateDir, [{ service: 'web', pid, pgid: pid, startTicks: processStartTicks(pid) }]);
    const { code, stdout, stderr } = await drillReap(stateDir);
    expect(code).toBe(0);
    expect(stdout).toContain('reaped 1 dead run(s)');
    expect(stderr).toMatch(/Skipped .*empty\.json: not a run record/);
    expect(stderr).toMatch(/Skipped .*notes\.json: not JSON/);
    expect(existsSync(path.join(stateDir, 'empty.json'))).toBe(true);
    expect(existsSync(path.join(stateDir, 'notes.json'))).toBe(true);
    await expect.poll(() => isSameProcessAlive(pid)).toBe(false);
  });
});
