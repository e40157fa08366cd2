/**
 * Playbooks end to end: the steady state, method actions, SLI-judged recovery, abortOnFail probes and rollbacks
 * acting on real fixture processes while the load runs. Each case makes one construct fire for its own reason.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, type ScenarioIssue } from '../../src/common/errors.ts';
import { reportSchema } from '../../src/report/report-schema.ts';
import { loadScenarioFile } from '../../src/scenario/scenario-loader.ts';
import { runFolders, runScenarioFile, startDrill } from '../helpers/drill-cli.ts';

/** A bridge under a steady http load on `path`; `extra` adds the playbook. */
function playbookFile(extra: string, { path: route = '/v1/health', seconds = 5 } = {}): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-playbook-')), 'playbook.yaml');
  writeFileSync(
    file,
    `name: playbook-e2e
release: "0.100"
services:
  bridge: { kind: bridge }
load: { executor: constant-arrival-rate, rate: 40, duration: ${seconds}s, gracefulStop: 2s }
workload: { type: http, target: bridge.http, path: ${route}, timeout: 2s }
${extra}`,
  );
  return file;
}

const serviceEvents = (report: { timeline: { source: string; type: string; target?: string }[] }) =>
  report.timeline.filter((e) => e.source === 'service' && e.type !== 'started').map((e) => `${e.type} ${e.target}`);

describe('playbooks', () => {
  it('does nothing to the stack when the steady state does not hold before the method (not-steady)', async () => {
    // Every request of the load asks for a route the bridge does not have: the SLI probe sees all of them fail.
    const { code, report } = await runScenarioFile(
      playbookFile(
        `steadyState:
  - { name: requests-succeed, sli: http_req_failed, condition: "rate < 0.05", over: 1s }
method:
  - { at: 1500ms, action: stop, service: bridge }
rollbacks:
  - { action: start, service: bridge }
`,
        { path: '/v1/no-such-route' },
      ),
    );
    expect(code).toBe(1);
    expect(report.verdict).toBe('not-steady');
    const [probe] = report.steadyState!.before;
    expect(probe).toMatchObject({ name: 'requests-succeed', kind: 'sli', pass: false, value: 1 });
    expect(report.reasons[0]).toMatchObject({ code: 'not-steady', observed: expect.stringContaining('http_req_failed rate = 1') });
    // Nothing was done: no step, no rollback, no service stopped or restarted, and the load ended at the check.
    expect(report.steps).toEqual([]);
    expect(report.rollbacks).toEqual([]);
    expect(serviceEvents(report)).toEqual([]);
    expect(report.load.durationMs).toBeLessThan(4_000);
  });

  it('fails a step whose SLI never recovers, naming the SLI and its last windows', async () => {
    const { code, report } = await runScenarioFile(
      playbookFile(`method:
  - name: outage
    at: 1500ms
    action: stop
    service: bridge
    within: 1500ms
    recovered: { sli: http_req_failed, condition: "rate < 0.01", window: 250ms, consecutive: 2 }
`),
    );
    expect(code).toBe(1);
    expect(report.verdict).toBe('fail');
    const [step] = report.steps;
    expect(step).toMatchObject({ name: 'outage', pass: false });
    expect(step!.error).toMatch(/http_req_failed rate < 0.01 not back in 2 consecutive 250 ms windows; last windows .*: 1(,|$)/);
    const curve = step!.sliRecovery!.curve;
    // Windows before the bridge went down held (how many depends on how long the stop takes on a busy machine);
    // after the window it went down in, every window saw only refused connections.
    const firstBad = curve.findIndex((w) => !w.pass);
    expect(firstBad).toBeGreaterThanOrEqual(0);
    expect(curve.slice(0, firstBad).every((w) => w.pass && w.observed === 0)).toBe(true);
    expect(curve.slice(firstBad + 1).length).toBeGreaterThanOrEqual(4);
    expect(curve.slice(firstBad + 1).every((w) => !w.pass && w.observed === 1)).toBe(true);
    expect(step!.sliRecovery!.recoveredAfterMs).toBeUndefined();
    expect(report.reasons.map((r) => r.code)).toContain('step-failed');
  });

  it('judges recovery by the SLI and by checks, the later of the two', async () => {
    const { code, report } = await runScenarioFile(
      playbookFile(`method:
  - name: blip
    at: 1500ms
    action: stop
    service: bridge
    for: 700ms
    within: 8s
    checks: [{ service: bridge, path: /v1/health, status: 204 }]
    recovered: { sli: http_req_failed, condition: "rate < 0.01", window: 250ms, consecutive: 2 }
`),
    );
    // Room for the bridge's start on a loaded machine (up to 2 s seen) and the two windows after it.
    expect(code, JSON.stringify(report.steps)).toBe(0);
    const [step] = report.steps;
    // Requests fail while the bridge is down: the SLI is back only in a window that starts after the restart.
    expect(step!.sliRecovery!.recoveredAfterMs).toBeGreaterThanOrEqual(700);
    expect(step!.recoveryMs).toBeGreaterThanOrEqual(step!.sliRecovery!.recoveredAfterMs!);
    expect(step!.recoveryMs).toBeGreaterThanOrEqual(step!.checks[0]!.passedAfterMs!);
    expect(step!.sliRecovery!.curve.some((w) => !w.pass)).toBe(true);
  });

  it('runs the rollbacks after a SIGINT in the middle of the method', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-sigint-'));
    const file = playbookFile(
      `method:
  - { name: freeze, at: 1s, action: pause, service: bridge }
  - { name: wait-forever, action: wait-until, probe: { http: { service: bridge, path: /v1/health, status: 204 } }, timeout: 60s, within: 60s }
rollbacks:
  - { name: thaw, action: resume, service: bridge, checks: [{ service: bridge, path: /v1/health, status: 204 }] }
`,
      { seconds: 30 },
    );
    const drill = startDrill(['run', file, '--report-dir', path.join(dir, 'reports')], { DRILL_STATE_DIR: path.join(dir, 'state') });
    await drill.waitForOutput(/wait-forever: wait-until/);
    drill.child.kill('SIGINT');
    const { code } = await drill.exit;
    const runDir = path.join(dir, 'reports', runFolders(path.join(dir, 'reports'))[0]!);
    const report = reportSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'report.json'), 'utf8')));
    expect(code).toBe(3);
    expect(report.verdict).toBe('interrupted');
    expect(report.steps.map((s) => s.name)).toEqual(['freeze', 'wait-forever']);
    expect(report.steps[1]).toMatchObject({ pass: false });
    expect(report.rollbacks).toEqual([expect.objectContaining({ name: 'rollback-thaw', action: 'resume', pass: true })]);
    expect(report.rollbacks[0]!.checks[0]!.passedAfterMs).toBeDefined();
    // The bridge was resumed by the rollback (before the teardown).
    expect(serviceEvents(report)).toEqual(['paused bridge', 'resumed bridge']);
    expect(report.timeline.findIndex((e) => e.type === 'rollbacks')).toBeLessThan(report.timeline.findIndex((e) => e.type === 'resumed'));
  });

  it('stops the method at the first breach of an abortOnFail probe and goes to the rollbacks (aborted)', async () => {
    const { code, report } = await runScenarioFile(
      playbookFile(
        `steadyState:
  - { name: bridge-healthy, http: { service: bridge, path: /v1/health, status: 204 }, abortOnFail: true, interval: 200ms }
method:
  - { name: outage, at: 1500ms, action: stop, service: bridge }
  - { name: never, at: 6s, action: http, service: bridge, path: /v1/health, status: 204 }
rollbacks:
  - { name: bring-back, action: start, service: bridge, checks: [{ service: bridge, path: /v1/health, status: 204 }] }
`,
        { seconds: 10 },
      ),
    );
    expect(code).toBe(1);
    expect(report.verdict).toBe('aborted');
    expect(report.steps.map((s) => s.name)).toEqual(['outage']);
    expect(report.steadyState!.before[0]).toMatchObject({ pass: true, observed: 'status 204' });
    expect(report.steadyState!.during).toEqual([expect.objectContaining({ name: 'bridge-healthy', pass: false, observed: 'ECONNREFUSED' })]);
    expect(report.reasons[0]).toMatchObject({ code: 'aborted', observed: 'ECONNREFUSED' });
    expect(report.rollbacks).toEqual([expect.objectContaining({ name: 'rollback-bring-back', action: 'start', pass: true })]);
    expect(report.load.durationMs).toBeLessThan(5_000);
  });

  it('scales a service to two replicas and back, runs a command in its folder, and holds the load meanwhile', async () => {
    const { code, report, runDir } = await runScenarioFile(
      playbookFile(`method:
  - { name: scale-out, at: 1s, action: scale, service: bridge, replicas: 2, checks: [{ service: bridge-2, path: /v1/health, status: 204 }] }
  - { name: hold, action: pause-load }
  - name: marker
    action: exec
    service: bridge
    argv: [node, -e, "require('fs').writeFileSync('marker', process.env.DRILL_SERVICE + ' ' + process.env.PORT); console.log('marked')"]
  - { name: failing-command, action: exec, service: bridge, argv: [node, -e, "process.exit(3)"] }
  - { name: release, at: 3s, action: resume-load }
  - { name: scale-in, action: scale, service: bridge, replicas: 1 }
`),
    );
    expect(code).toBe(1); // the failing command, on purpose
    const step = (name: string) => report.steps.find((s) => s.name === name)!;
    expect(step('scale-out')).toMatchObject({ pass: true, detail: '2 instance(s): bridge, bridge-2' });
    expect(step('scale-out').checks[0]).toMatchObject({ target: 'bridge-2 GET /v1/health → 204' });
    expect(step('scale-in')).toMatchObject({ pass: true, detail: '1 instance(s): bridge' });
    // The replica was a service of its own: its own process, port and log, stopped by the scale-in.
    expect(report.timeline.filter((e) => e.target === 'bridge-2').map((e) => e.type)).toEqual(['started', 'stopped']);
    expect(readFileSync(path.join(runDir, 'logs', 'bridge-2.log'), 'utf8').length).toBeGreaterThan(0);
    const bridgePort = report.services.find((s) => s.name === 'bridge')!.ports.http;
    expect(step('marker')).toMatchObject({ pass: true, detail: expect.stringMatching(/exited 0: marked$/) });
    expect(readFileSync(path.join(runDir, 'services', 'bridge', 'marker'), 'utf8')).toBe(`bridge ${bridgePort}`);
    expect(step('failing-command')).toMatchObject({ pass: false, error: expect.stringContaining('exited 3 (expected exit 0)') });
    expect(step('release').detail).toMatch(/load paused \d+ ms \((\d+) arrivals skipped/);
    const [, pausedMs, skipped] = /paused (\d+) ms \((\d+) arrivals/.exec(step('release').detail!)!.map(Number);
    // Every arrival due while the load was held was skipped: 40 a second of the time it was held.
    expect(pausedMs).toBeGreaterThan(300);
    expect(Math.abs(skipped! - (pausedMs! * 40) / 1_000)).toBeLessThanOrEqual(3);
    expect(existsSync(path.join(runDir, 'services', 'bridge-2'))).toBe(true);
  });
});

describe('playbook files', () => {
  it('refuses every bad playbook entry at once, each with its line', async () => {
    const file = playbookFile(`steadyState:
  - { http: { service: bridge, path: /ready }, metric: { service: bridge, condition: "x == 1" } }
method:
  - { at: 1s, action: teleport, service: bridge }
rollbacks:
  - { at: 1s, action: start, service: bridge }
  - { action: stop, service: bridge, recovered: { sli: http_req_failed, condition: "p(99) < 5" } }
  - { action: fault, fault: { type: latency, link: "bridge->bot", latency: 100 } }
  - { action: wait-until, probe: { sli: reply_latency, condition: "p(99) < 800" } }
`);
    const error = await loadScenarioFile(file).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ScenarioError);
    const issues = (error as ScenarioError).issues;
    const at = (p: string): ScenarioIssue | undefined => issues.find((i) => i.path === p);
    expect(at('steadyState.0')).toMatchObject({ message: expect.stringContaining('exactly one of sli, http or metric, got http and metric'), location: { line: 8 } });
    expect(at('method.0.action')).toMatchObject({ message: expect.stringContaining('must be one of restart'), location: { line: 10 } });
    expect(at('rollbacks.0.at')).toMatchObject({ message: expect.stringContaining('drop `at`'), location: { line: 12 } });
    expect(at('rollbacks.1.recovered.condition')).toMatchObject({ message: 'http_req_failed is a rate (requests); use rate, count', location: { line: 13 } });
    expect(at('rollbacks.2.fault.link')).toMatchObject({ message: expect.stringContaining('no link bridge -> bot'), location: { line: 14 } });
    expect(at('rollbacks.3.probe.sli')).toMatchObject({ message: 'unknown SLI "reply_latency" for a http workload', location: { line: 15 } });
    expect(issues).toHaveLength(6);
  });
});
