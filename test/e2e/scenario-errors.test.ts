/**
 * Bad scenario files are refused with every problem at once, each with its path, line and column, and
 * `drill validate` exits 2.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ScenarioError, type ScenarioIssue } from '../../src/common/errors.ts';
import { loadScenarioFile } from '../../src/scenario/scenario-loader.ts';

const dir = path.resolve('test/scenarios/invalid');

async function issuesOf(name: string): Promise<ScenarioIssue[]> {
  const file = path.join(dir, name);
  const error = await loadScenarioFile(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  return (error as ScenarioError).issues;
}

function at(issues: ScenarioIssue[], pathText: string): ScenarioIssue {
  const issue = issues.find((i) => i.path === pathText);
  if (!issue) throw new Error(`no issue at ${pathText}; got ${JSON.stringify(issues, null, 2)}`);
  return issue;
}

describe('scenario errors', () => {
  it('names an unknown key at its own line', async () => {
    const issues = await issuesOf('unknown-key.yaml');
    expect(issues).toHaveLength(1);
    expect(at(issues, 'services.bridge.colour')).toMatchObject({ message: 'unknown key "colour"', location: { line: 7, column: 5 } });
  });

  it('reports every wrong type and bad duration in one pass', async () => {
    const issues = await issuesOf('wrong-types.yaml');
    expect(at(issues, 'seed').location?.line).toBe(3);
    expect(at(issues, 'seed').message).toMatch(/expected number/);
    expect(at(issues, 'services.bridge.dependsOn').location?.line).toBe(8);
    expect(at(issues, 'load.rate')).toMatchObject({ message: expect.stringMatching(/positive number of arrivals per timeUnit, got 0/), location: { line: 11, column: 9 } });
    expect(at(issues, 'load.duration')).toMatchObject({ message: expect.stringContaining('got "30x"'), location: { line: 12, column: 13 } });
  });

  it('lists the valid choices for unknown kinds, executors settings and workload types', async () => {
    const issues = await issuesOf('unknown-kind.yaml');
    expect(at(issues, 'services.cache.kind')).toMatchObject({ message: expect.stringContaining('expected one of bridge, bot, gateway, master, relay, host'), location: { line: 8, column: 11 } });
    expect(at(issues, 'load.stages')).toMatchObject({ message: expect.stringContaining('at least one stage'), location: { line: 11, column: 11 } });
    expect(at(issues, 'workload.type')).toMatchObject({ message: expect.stringContaining('signal, http'), location: { line: 13, column: 9 } });
  });

  it('finds dangling links and faults on undeclared links', async () => {
    const issues = await issuesOf('dangling-link.yaml');
    expect(at(issues, 'links.0.to')).toMatchObject({ message: expect.stringContaining('unknown service "brigde"'), location: { line: 11, column: 9 } });
    expect(at(issues, 'faults.timeline.0.link')).toMatchObject({ message: expect.stringContaining('no link bridge -> bot'), location: { line: 16, column: 23 } });
  });

  it('finds start-order cycles and bad thresholds', async () => {
    const issues = await issuesOf('start-cycle.yaml');
    expect(issues.find((i) => i.message.includes('cycle'))?.message).toMatch(/bridge -> bot -> bridge|bot -> bridge -> bot/);
    expect(at(issues, 'thresholds.reply_latency.1')).toMatchObject({ message: expect.stringContaining('reply_latency is a trend'), location: { line: 16, column: 32 } });
    expect(at(issues, 'thresholds.reply_latncy')).toMatchObject({ message: expect.stringContaining('unknown SLI "reply_latncy"'), location: { line: 17 } });
    expect(at(issues, 'thresholds.replies_missing.0')).toMatchObject({ message: expect.stringContaining('got "rate<<0.1"'), location: { line: 18 } });
  });

  it('refuses addresses outside loopback unless the scenario opts in', async () => {
    const issues = await issuesOf('non-loopback.yaml');
    expect(at(issues, 'services.bridge.url')).toMatchObject({ message: expect.stringContaining('allowNonLoopback: true'), location: { line: 6, column: 10 } });
    expect(at(issues, 'workload.target').message).toContain('192.168.1.20');
  });

  it('reports YAML syntax errors with their position', async () => {
    const issues = await issuesOf('bad-yaml.yaml');
    expect(issues[0]!.message).toMatch(/^YAML: /);
    expect(issues[0]!.location?.line).toBeGreaterThanOrEqual(6);
  });

  it('names the releases a fixture has when the scenario asks for another', async () => {
    const issues = await issuesOf('unknown-release.yaml');
    expect(at(issues, 'release')).toMatchObject({ message: expect.stringMatching(/fixture "bridge" has no release "9.9.9"; it has .*0\.100/), location: { line: 2 } });
  });

  it('drill validate prints the problems and exits 2', async () => {
    const result = await promisify(execFile)(process.execPath, ['bin/drill.js', 'validate', path.join(dir, 'unknown-key.yaml')], {
      env: { ...process.env, DRILL_FROM_SOURCES: '1' },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown-key.yaml:7:5');
  });
});
