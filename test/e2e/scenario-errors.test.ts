/**
 * Bad scenario files are refused with every problem at once, each with its path, line and column, and
 * `drill validate` exits 2.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
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

/** Writes `text` to a scenario file of its own and loads it. */
async function issuesOfText(text: string): Promise<ScenarioIssue[]> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-scenario-')), 'scenario.yaml');
  writeFileSync(file, text);
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
    expect(at(issues, 'services.cache.kind')).toMatchObject({ message: expect.stringContaining('expected one of bridge, bot, gateway, master, relay, host, redis'), location: { line: 8, column: 11 } });
    expect(at(issues, 'load.stages')).toMatchObject({ message: expect.stringContaining('at least one stage'), location: { line: 11, column: 11 } });
    expect(at(issues, 'workload.type')).toMatchObject({ message: expect.stringContaining('signal, http'), location: { line: 13, column: 9 } });
  });

  it('finds dangling links and faults on undeclared links', async () => {
    const issues = await issuesOf('dangling-link.yaml');
    expect(at(issues, 'links.0.to')).toMatchObject({ message: expect.stringContaining('unknown service "brigde"'), location: { line: 11, column: 9 } });
    expect(at(issues, 'faults.timeline.0.link')).toMatchObject({ message: expect.stringContaining('no link bridge -> bot'), location: { line: 16, column: 23 } });
  });

  it('refuses a two-way fault unless both links are declared, and ramps without room to move', async () => {
    const issues = await issuesOf('fault-both-ways.yaml');
    expect(at(issues, 'faults.timeline.0.link')).toMatchObject({
      message: 'fault link bot<->bridge cuts both directions but only bot->bridge is declared in links: add { from: bridge, to: bot }',
      location: { line: 15, column: 32 },
    });
    expect(at(issues, 'faults.timeline.2.ramp')).toMatchObject({ message: expect.stringContaining('add `for`'), location: { line: 17, column: 57 } });
    expect(at(issues, 'faults.timeline.3.ramp.step')).toMatchObject({
      message: "ramp step 2000 ms must be shorter than the fault's `for` (1000 ms), or the ramp never moves",
      location: { line: 18, column: 112 },
    });
    // relay<->bridge has both links: accepted, and the two opposite links make no start-order cycle.
    expect(issues).toHaveLength(3);
  });

  it('names the attributes a ramp can move', async () => {
    const issues = await issuesOf('fault-ramp-attribute.yaml');
    expect(at(issues, 'faults.timeline.0.ramp.attribute')).toMatchObject({
      message: 'a latency ramp moves latency or jitter, got "latncy"',
      location: { line: 12, column: 79 },
    });
    expect(at(issues, 'faults.timeline.1.ramp.attribute')).toMatchObject({ message: 'a bandwidth ramp moves rate, got "latency"', location: { line: 13 } });
  });

  it('refuses a fault-server key the chosen server would ignore', async () => {
    const issues = await issuesOfText(`name: server-keys
release: 1.4.0
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot }
links:
  - { from: bot, to: bridge }
load: { executor: constant-arrival-rate, rate: 5, duration: 5s }
workload: { type: signal, bridge: bridge, bots: [bot] }
faults:
  server: toxiproxy-container
  url: http://127.0.0.1:8474
`);
    expect(issues).toHaveLength(1);
    expect(at(issues, 'faults.url')).toMatchObject({
      message: '`url` is used only with `server: toxiproxy`, got server: toxiproxy-container',
      location: { line: 12, column: 8 },
    });
  });

  it('finds start-order cycles and bad thresholds', async () => {
    const issues = await issuesOf('start-cycle.yaml');
    expect(issues.find((i) => i.message.includes('cycle'))?.message).toMatch(/bridge -> bot -> bridge|bot -> bridge -> bot/);
    expect(at(issues, 'thresholds.reply_latency.1')).toMatchObject({ message: expect.stringContaining('reply_latency is a trend'), location: { line: 16, column: 32 } });
    expect(at(issues, 'thresholds.reply_latncy')).toMatchObject({ message: expect.stringContaining('unknown SLI "reply_latncy"'), location: { line: 17 } });
    expect(at(issues, 'thresholds.replies_missing.0')).toMatchObject({ message: expect.stringContaining('got "rate<<0.1"'), location: { line: 18 } });
  });

  it('takes per-reason and per-relay counters in thresholds only for known reasons and the workload\'s relays', async () => {
    const issues = await issuesOfText(`name: families
release: 0.0.5
services:
  master: { kind: master }
  relay-a: { kind: relay }
  gateway: { kind: gateway }
  host-a: { kind: host }
load: { executor: constant-arrival-rate, rate: 1, duration: 5s }
workload: { type: wavry, gateway: gateway, master: master, hosts: [host-a], relays: [relay-a] }
thresholds:
  lease_rejects_InvalidSignatur: ["count==0"]
  relay_sessions_relay-b: ["count==0"]
  relay_sessions_relay-a: ["count==0"]
  lease_rejects_InvalidSignature: ["count==0"]
`);
    expect(at(issues, 'thresholds.lease_rejects_InvalidSignatur')).toMatchObject({ message: expect.stringContaining('unknown LEASE_REJECT reason "InvalidSignatur"'), location: { line: 11 } });
    expect(at(issues, 'thresholds.relay_sessions_relay-b')).toMatchObject({ message: expect.stringContaining('"relay-b" is not in workload.relays'), location: { line: 12 } });
    expect(issues).toHaveLength(2);
  });

  it('refuses addresses outside loopback unless the scenario opts in', async () => {
    const issues = await issuesOf('non-loopback.yaml');
    expect(at(issues, 'services.bridge.url')).toMatchObject({ message: expect.stringContaining('allowNonLoopback: true'), location: { line: 6, column: 10 } });
    expect(at(issues, 'workload.target').message).toContain('192.168.1.20');
  });

  it('says what a union expected, or points inside the alternative that matched', async () => {
    const issues = await issuesOfText(`name: unions
release: 1.4.0
services:
  bridge:
    kind: bridge
    release: "0.100"
    env: { A: [1, 2], B: { c: 1 }, C: 3, D: true }
    stopTimeout: true
load: { executor: constant-arrival-rate, rate: 5, duration: 5s }
workload: { type: http, target: bridge.http }
thresholds:
  http_req_duration: ["p(95)<500", { threshold: "p(99)<900", abortOnFail: "yes" }, 5]
`);
    expect(at(issues, 'services.bridge.env.A')).toMatchObject({ message: 'expected a string, number or boolean, got a list', location: { line: 7, column: 15 } });
    expect(at(issues, 'services.bridge.env.B')).toMatchObject({ message: 'expected a string, number or boolean, got a mapping', location: { line: 7, column: 26 } });
    expect(at(issues, 'services.bridge.stopTimeout')).toMatchObject({
      message: 'expected a duration such as "250ms", "30s", "5m" or "1m30s", or a number of milliseconds, got true',
      location: { line: 8, column: 18 },
    });
    expect(at(issues, 'thresholds.http_req_duration.1.abortOnFail')).toMatchObject({ message: expect.stringContaining('expected boolean, received string'), location: { line: 12, column: 75 } });
    expect(at(issues, 'thresholds.http_req_duration.2')).toMatchObject({
      message: 'expected a threshold expression such as "p(95)<500", or {threshold, abortOnFail, delayAbortEval}, got 5',
      location: { line: 12, column: 84 },
    });
    expect(issues.filter((i) => i.message.includes('Invalid input') && !i.message.includes('expected'))).toEqual([]);
    expect(issues).toHaveLength(5);
  });

  it('runs the cross-reference rules on the sections that parsed when another did not', async () => {
    const issues = await issuesOfText(`name: partial
release: 1.4.0
seed: many
services:
  bridge: { kind: bridge, release: "0.100", env: { A: [1] } }
  bot: { kind: bot, dependsOn: [cache] }
links:
  - { from: bot, to: brigde }
load: { executor: constant-arrival-rate, rate: 5, duration: 5s }
workload: { type: signal, bridge: bridge, bots: [bot], users: 0 }
thresholds:
  reply_latency: ["p(95)<<1"]
`);
    expect(at(issues, 'seed').location?.line).toBe(3);
    expect(at(issues, 'services.bridge.env.A').location).toMatchObject({ line: 5, column: 55 });
    expect(at(issues, 'workload.users').location?.line).toBe(10);
    // The rules still see the services, links and thresholds, which parsed.
    expect(at(issues, 'services.bot.dependsOn.0')).toMatchObject({ message: expect.stringContaining('unknown service "cache"'), location: { line: 6, column: 33 } });
    expect(at(issues, 'links.0.to')).toMatchObject({ message: expect.stringContaining('unknown service "brigde"'), location: { line: 8, column: 22 } });
    expect(at(issues, 'thresholds.reply_latency.0')).toMatchObject({ message: expect.stringContaining('got "p(95)<<1"'), location: { line: 12, column: 19 } });
    // Schema problems come first, then the rules'.
    expect(issues.map((i) => i.path)).toEqual(['seed', 'services.bridge.env.A', 'workload.users', 'services.bot.dependsOn.0', 'links.0.to', 'thresholds.reply_latency.0']);
  });

  it('refuses addresses outside loopback in env values and command arguments, and only those', async () => {
    const scenario = (optIn: string) => `name: env-addresses
release: 1.4.0
${optIn}services:
  bridge: { kind: bridge, release: "0.100" }
  api:
    kind: bot
    command: [node, server.js, "--upstream=db.example.com:5432", "--listen=127.0.0.1:\${ports.health}", "--since=10:30"]
    env:
      UPSTREAM: "http://8.8.8.8:1"
      PEER: 10.0.0.5:80
      BRIDGE: "http://\${links.bridge.http}/v1"
      LOCAL: "http://localhost:9000"
      VERSION: 1.4.0
      PHONE: "+15550000001"
      AT: "10:30:00"
links:
  - { from: api, to: bridge }
load: { executor: constant-arrival-rate, rate: 5, duration: 5s }
workload: { type: http, target: bridge.http }
`;
    const issues = await issuesOfText(scenario(''));
    expect(issues.map((i) => i.path)).toEqual(['services.api.env.UPSTREAM', 'services.api.env.PEER', 'services.api.command.2']);
    expect(at(issues, 'services.api.env.UPSTREAM')).toMatchObject({
      message: '"http://8.8.8.8:1" reaches 8.8.8.8, outside loopback (127.0.0.0/8, ::1, localhost); drill refuses it unless the scenario sets `allowNonLoopback: true`',
      location: { line: 9, column: 17 },
    });
    expect(at(issues, 'services.api.env.PEER')).toMatchObject({ message: expect.stringMatching(/^"10\.0\.0\.5:80" reaches 10\.0\.0\.5/), location: { line: 10, column: 13 } });
    expect(at(issues, 'services.api.command.2')).toMatchObject({ message: expect.stringMatching(/^"db\.example\.com:5432" reaches db\.example\.com/), location: { line: 7, column: 32 } });

    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-scenario-')), 'opt-in.yaml');
    writeFileSync(file, scenario('allowNonLoopback: true\n'));
    const loaded = await loadScenarioFile(file);
    expect(loaded.scenario.services.api?.env.UPSTREAM).toBe('http://8.8.8.8:1');
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
