/**
 * Nothing outlives a run: SIGINT and SIGTERM stop the load, write the report and stop every process
 * (asserted by pid, grandchildren included); a second signal kills everything at once and still leaves the report; a harness killed with SIGKILL leaves a record that the next
 * `drill run` uses to kill what it left.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/report-schema.ts';
import { isSameProcessAlive } from '../../src/runtime/process-info.ts';
import type { RunRecord } from '../../src/runtime/run-registry.ts';
import { runFolders, startDrill } from '../helpers/drill-cli.ts';

const tinyServer = path.resolve('test/helpers/tiny-server.mjs');
const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone, as it should be */
    }
  }
});

/** `slow`: the service ignores SIGTERM and requests stall for seconds, so a graceful teardown takes that long. */
function scenario(dir: string, durationS: number, slow = false): string {
  const file = path.join(dir, 'web.yaml');
  writeFileSync(
    file,
    `name: web
release: r1
services:
  web:
    kind: bridge
    command: ["${process.execPath}", "${tinyServer}"]
    env: { PORT: "\${ports.http}", SPAWN_GRANDCHILD: "1"${slow ? ', IGNORE_SIGTERM: "1"' : ''} }
    readiness: { port: http, path: /health, timeout: 10s }
    stopTimeout: ${slow ? 10 : 5}s
load: { executor: constant-arrival-rate, rate: 20, duration: ${durationS}s, gracefulStop: ${slow ? 10 : 1}s }
workload: { type: http, target: web.http, path: /stall?ms=${slow ? 8_000 : 50} }
`,
  );
  return file;
}

function records(stateDir: string): RunRecord[] {
  if (!existsSync(stateDir)) return [];
  return readdirSync(stateDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(stateDir, f), 'utf8')) as RunRecord);
}

/** Starts a long run and returns it once the load runs, with the service's pid and its grandchild's. */
async function startLongRun(slow = false) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-teardown-'));
  const stateDir = path.join(dir, 'state');
  const drill = startDrill(['run', scenario(dir, 60, slow), '--report-dir', path.join(dir, 'reports')], { DRILL_STATE_DIR: stateDir });
  await drill.waitForOutput(/load start/);
  const [record] = records(stateDir);
  expect(record?.children).toHaveLength(1);
  const servicePid = record!.children[0]!.pid;
  const grandchild = Number(readFileSync(`/proc/${servicePid}/task/${servicePid}/children`, 'utf8').trim().split(' ')[0]);
  leftovers.push(servicePid, grandchild);
  expect(isSameProcessAlive(servicePid)).toBe(true);
  expect(isSameProcessAlive(grandchild)).toBe(true);
  return { dir, stateDir, drill, servicePid, grandchild };
}

/** True when a new server can listen on `port` (127.0.0.1): the run let go of it. */
async function listensAgain(port: number): Promise<boolean> {
  const server = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise((resolve) => server.close(resolve));
  return ok;
}

describe('teardown', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} writes an interrupted report and leaves no process behind`, async () => {
      const { dir, stateDir, drill, servicePid, grandchild } = await startLongRun();
      drill.child.kill(signal);
      const exit = await drill.exit;
      expect(exit.code).toBe(3);
      expect(isSameProcessAlive(servicePid)).toBe(false);
      expect(isSameProcessAlive(grandchild)).toBe(false);
      expect(records(stateDir)).toEqual([]);
      const [runDir] = runFolders(path.join(dir, 'reports'));
      const report = JSON.parse(readFileSync(path.join(dir, 'reports', runDir!, 'report.json'), 'utf8')) as {
        verdict: string;
        load: { arrivals: number };
        services: { ports: Record<string, number> }[];
      };
      expect(report.verdict).toBe('interrupted');
      expect(report.load.arrivals).toBeGreaterThan(0);
      // Every port the run used is free again: nothing listens, and a new listener can take it.
      const ports = report.services.flatMap((s) => Object.values(s.ports));
      expect(ports.length).toBeGreaterThan(0);
      for (const port of ports) await expect(listensAgain(port)).resolves.toBe(true);
    });
  }

  it('two SIGINTs 150 ms apart kill the stack at once and still leave the interrupted report', async () => {
    const { dir, drill, servicePid, grandchild } = await startLongRun(true);
    await sleep(1_000);
    drill.child.kill('SIGINT');
    await sleep(150);
    drill.child.kill('SIGINT');
    const exit = await drill.exit;
    expect(exit.code).toBe(3);
    expect(drill.output()).toMatch(/SIGINT again: killed 1 process group/);
    await expect.poll(() => isSameProcessAlive(servicePid) || isSameProcessAlive(grandchild)).toBe(false);

    const [runId] = runFolders(path.join(dir, 'reports'));
    const runDir = path.join(dir, 'reports', runId!);
    const report = reportSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')));
    expect(report.verdict).toBe('interrupted');
    expect(report.errors).toContain('hard stop: a second signal killed the stack before teardown finished');
    expect(report.services.map((s) => s.name)).toEqual(['web']);
    expect(readFileSync(path.join(runDir, 'report.md'), 'utf8')).toContain('**INTERRUPTED**');
    // Written through a temporary file and a rename: none is left behind.
    expect(readdirSync(runDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a run killed with SIGKILL is reaped by the next drill start', async () => {
    const { dir, stateDir, drill, servicePid, grandchild } = await startLongRun();
    drill.child.kill('SIGKILL');
    await drill.exit;
    // The dead harness could not clean up: its service still runs and its record is still there.
    expect(isSameProcessAlive(servicePid)).toBe(true);
    expect(records(stateDir)).toHaveLength(1);

    const next = startDrill(['run', scenario(dir, 1), '--report-dir', path.join(dir, 'reports')], { DRILL_STATE_DIR: stateDir });
    const exit = await next.exit;
    expect(next.output()).toMatch(/Reaped dead run web-.* killed 1 process/);
    expect(exit.code).toBe(0);
    expect(isSameProcessAlive(servicePid)).toBe(false);
    expect(isSameProcessAlive(grandchild)).toBe(false);
    expect(records(stateDir)).toEqual([]);
  });
});
