/**
 * Drill steps end to end: `steps:` in a scenario act on real fixture processes while the load runs, each
 * opening its phase, measuring its recovery with checks, and failing the run (exit 1) when the stack does not
 * recover. Bad steps are refused at load time with their line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, type ScenarioIssue } from '../../src/common/errors.ts';
import { loadScenarioFile } from '../../src/scenario/scenario-loader.ts';
import { runScenarioFile } from '../helpers/drill-cli.ts';

/** A bridge under a steady http load on its health route; `extra` adds steps and thresholds. */
function scenarioFile(extra: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-steps-')), 'scenario.yaml');
  writeFileSync(
    file,
    `name: steps-e2e
release: "0.100"
services:
  bridge: { kind: bridge }
load: { executor: constant-arrival-rate, rate: 50, duration: 6s, gracefulStop: 3s }
workload: { type: http, target: bridge.http, path: /v1/health, timeout: 3s }
${extra}`,
  );
  return file;
}

async function issuesOf(extra: string): Promise<ScenarioIssue[]> {
  const error = await loadScenarioFile(scenarioFile(extra)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return (error as ScenarioError).issues;
}

describe('drill steps', () => {
  it('pauses a service, resumes it, and reports the stall in its phase and the recovery time', async () => {
    const { code, report } = await runScenarioFile(
      scenarioFile(`steps:
  - { name: freeze, at: 2s, action: pause, service: bridge, for: 1500ms, checks: [{ service: bridge, path: /v1/health, status: 204 }] }
thresholds:
  http_req_failed{phase:baseline}: ["rate<0.01"]
  http_req_failed{phase:after-freeze}: ["rate<0.01"]
`),
    );
    expect(code).toBe(0);
    expect(report.verdict).toBe('pass');
    const [step] = report.steps;
    expect(step).toMatchObject({ name: 'freeze', action: 'pause', service: 'bridge', pass: true });
    // Back only after the 1.5 s pause: the check cannot pass before the resume.
    expect(step!.recoveryMs).toBeGreaterThanOrEqual(1_500);
    expect(step!.checks[0]!.passedAfterMs).toBeGreaterThanOrEqual(1_500);
    expect(report.phases.map((p) => p.name)).toEqual(['baseline', 'freeze', 'after-freeze']);
    // Requests sent while the bridge was frozen waited for the resume: the stall shows in the freeze phase only.
    const freeze = report.phases.find((p) => p.name === 'freeze')!;
    const after = report.phases.find((p) => p.name === 'after-freeze')!;
    expect(freeze.slis.http_req_duration!.max).toBeGreaterThan(1_000);
    expect(after.slis.http_req_duration!.count).toBeGreaterThan(50);
    expect(report.thresholds.map((t) => t.phase)).toEqual(['baseline', 'after-freeze']);
    expect(report.timeline.filter((e) => e.source === 'service').map((e) => e.type)).toEqual(expect.arrayContaining(['paused', 'resumed']));
    expect(report.timeline.find((e) => e.type === 'recovered')?.measured?.recoveryMs).toBe(step!.recoveryMs);
  });

  it('restarts a service on another release', async () => {
    const { code, report } = await runScenarioFile(
      scenarioFile(`steps:
  - { at: 2s, action: upgrade, service: bridge, release: "0.101", checks: [{ service: bridge, path: /v1/about }] }
`),
    );
    expect(code).toBe(0);
    expect(report.steps[0]).toMatchObject({ name: 'step-1-upgrade-bridge', release: '0.101', pass: true });
    expect(report.timeline.find((e) => e.type === 'restarted')?.detail).toContain('release 0.101');
    expect(report.phases.map((p) => p.name)).toEqual(['baseline', 'step-1-upgrade-bridge', 'after-step-1-upgrade-bridge']);
  });

  it('fails the run with exit 1 when a step does not recover within its deadline', async () => {
    const { code, report, output } = await runScenarioFile(
      scenarioFile(`steps:
  - { name: outage, at: 1s, action: stop, service: bridge, within: 1s, checks: [{ service: bridge, path: /v1/health, status: 204 }] }
`),
    );
    expect(code).toBe(1);
    expect(report.verdict).toBe('fail');
    expect(report.steps[0]).toMatchObject({ name: 'outage', pass: false });
    expect(report.steps[0]!.recoveryMs).toBeUndefined();
    expect(report.steps[0]!.error).toMatch(/not recovered within 1000 ms: bridge GET \/v1\/health → 204: ECONNREFUSED/);
    expect(report.timeline.some((e) => e.type === 'step-failed')).toBe(true);
    expect(output).toContain('FAIL');
  });

  it('refuses steps that cannot run, with their line', async () => {
    const issues = await issuesOf(`steps:
  - { at: 1s, action: rollback, service: bridge }
  - { at: 2s, action: restart, service: brigde }
  - { at: 9s, action: pause, service: bridge, down: 1s }
  - { at: 3s, action: upgrade, service: bridge, release: "9.9" }
thresholds:
  http_req_failed{phase:after-rolback}: ["rate<0.01"]
`);
    const at = (p: string) => issues.find((i) => i.path === p);
    expect(at('steps.0')).toMatchObject({ message: expect.stringContaining('rollback needs `release`'), location: { line: 8 } });
    expect(at('steps.1.service')).toMatchObject({ message: 'unknown service "brigde"; services are bridge', location: { line: 9 } });
    expect(at('steps.2.at')).toMatchObject({ message: 'the load lasts 6000 ms; a step at 9000 ms would never run', location: { line: 10 } });
    expect(at('steps.2')?.message).toContain('`kill` and `down` apply to restart, rollback and upgrade, not pause');
    expect(at('steps.3.at')?.message).toContain('in the order of `at`');
    expect(at('steps.3.release')).toMatchObject({ message: expect.stringContaining('fixture "bridge" has no release "9.9"'), location: { line: 11 } });
    expect(at('thresholds.http_req_failed{phase:after-rolback}')?.message).toMatch(/no phase "after-rolback"; its phases are baseline, step-1-rollback-bridge, after-step-1-rollback-bridge/);
  });
});
