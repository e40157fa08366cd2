/**
 * A second Ctrl-C kills the stack at once, and still leaves a whole report: the interrupted report is written
 * (atomically, temporary file then rename) before the hard exit, while the graceful teardown is still waiting.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/report-schema.ts';
import { isSameProcessAlive } from '../../src/runtime/process-info.ts';
import type { RunRecord } from '../../src/runtime/run-record.ts';
import { startDrill } from '../helpers/drill-cli.ts';

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

describe('hard stop', () => {
  it('two SIGINTs 150 ms apart kill the stack and leave an interrupted report', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-hard-stop-'));
    const stateDir = path.join(dir, 'state');
    const file = path.join(dir, 'slow.yaml');
    // A service that ignores SIGTERM and requests that stall: the graceful teardown takes seconds.
    writeFileSync(
      file,
      `name: slow
release: r1
services:
  web:
    kind: bridge
    command: ["${process.execPath}", "${tinyServer}"]
    env: { PORT: "\${ports.http}", IGNORE_SIGTERM: "1" }
    readiness: { port: http, path: /health, timeout: 10s }
    stopTimeout: 10s
load: { executor: constant-arrival-rate, rate: 20, duration: 60s, gracefulStop: 10s }
workload: { type: http, target: web.http, path: /stall?ms=8000 }
`,
    );
    const drill = startDrill(['run', file, '--report-dir', path.join(dir, 'reports')], { DRILL_STATE_DIR: stateDir });
    await drill.waitForOutput(/load start/);
    const [recordFile] = readdirSync(stateDir).filter((f) => f.endsWith('.json'));
    const record = JSON.parse(readFileSync(path.join(stateDir, recordFile!), 'utf8')) as RunRecord;
    const servicePid = record.children[0]!.pid;
    leftovers.push(servicePid);
    await sleep(1_000);

    drill.child.kill('SIGINT');
    await sleep(150);
    drill.child.kill('SIGINT');
    const exit = await drill.exit;
    expect(exit.code).toBe(3);
    expect(drill.output()).toMatch(/SIGINT again: killed 1 process group/);
    await expect.poll(() => isSameProcessAlive(servicePid)).toBe(false);

    const [runId] = readdirSync(path.join(dir, 'reports'));
    const runDir = path.join(dir, 'reports', runId!);
    const report = reportSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')));
    expect(report.verdict).toBe('interrupted');
    expect(report.errors).toContain('hard stop: a second signal killed the stack before teardown finished');
    expect(report.services.map((s) => s.name)).toEqual(['web']);
    expect(readFileSync(path.join(runDir, 'report.md'), 'utf8')).toContain('**INTERRUPTED**');
    expect(readdirSync(runDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(existsSync(path.join(runDir, 'report.json'))).toBe(true);
  });
});
