/**
 * Bad input never crashes: whatever a file or a command line holds, drill answers exit 2 with file:line:col and
 * what is wrong, and no stack trace. Files that are not scenarios, the YAML parser's limits, addresses that only
 * look like loopback, numbers past their bounds, templates that do not resolve, and usage errors of every command.
 * Refusals are checked with `drill validate` and API calls: nothing here sends traffic anywhere.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioError, type ScenarioIssue } from '../../src/common/errors.ts';
import { planStack } from '../../src/runtime/stack-plan.ts';
import { loadScenarioFile, parseScenario } from '../../src/scenario/scenario-loader.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-bad-input-'));
const write = (name: string, content: string | Buffer) => {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
};

/** A valid scenario: one service run from a command, an http workload against it. */
const base = (extra = '', serviceExtra = '') => `name: bad-input
release: r1
services:
  web:
    kind: bridge
    command: [node, server.js]
${serviceExtra}load: { executor: constant-arrival-rate, rate: 5, duration: 5s }
workload: { type: http, target: web.http }
${extra}`;

function issuesOfText(text: string): ScenarioIssue[] {
  try {
    parseScenario(text, 'scenario.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).issues;
  }
  throw new Error('the scenario was accepted');
}

async function issuesOfFile(file: string): Promise<ScenarioIssue[]> {
  const error = await loadScenarioFile(file).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ScenarioError);
  return (error as ScenarioError).issues;
}

function drill(args: string[], cwd = process.cwd()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [path.resolve('bin/drill.js'), ...args], {
    cwd,
    env: { ...process.env, DRILL_FROM_SOURCES: '1', DRILL_STATE_DIR: path.join(dir, 'state') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

const NO_STACK = /internal error|\n\s+at [\w.<>]+ \(|node:internal/;

function aliasBomb(): string {
  let text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
  const names = 'bcdefghi';
  for (let i = 0; i < names.length; i++) text += `${names[i]}: &${names[i]} [${Array(9).fill(`*${i === 0 ? 'a' : names[i - 1]}`).join(',')}]\n`;
  return text;
}

describe('files that are not scenarios', () => {
  const valid = base();
  const files: [string, string, RegExp][] = [
    [write('bomb.yaml', aliasBomb()), ':2:8', /aliases expand to more than 1000 nodes/],
    [write('deep.yaml', `a: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`), ':1:', /nested too deeply/],
    [write('huge.yaml', `${valid}# ${'x'.repeat(1_100_000)}\n`), ':1:1', /at most 1048576 bytes/],
    [write('binary.yaml', Buffer.from(Array.from({ length: 2_048 }, (_, i) => i % 256))), ':', /not UTF-8|control character/],
    [write('latin1.yaml', Buffer.concat([Buffer.from(valid.slice(0, 30)), Buffer.from([0xe9, 0x0a]), Buffer.from(valid.slice(30))])), ':', /not UTF-8 text/],
    [write('nul.yaml', valid.replace('release: r1', 'release: r1\u0000')), ':2:12', /control character U\+0000/],
    [(mkdirSync(path.join(dir, 'folder.yaml')), path.join(dir, 'folder.yaml')), ':1:1', /is a directory/],
    ['/dev/zero', ':1:1', /not a regular file/],
  ];

  it.each(files)('%s is bad input, with its place and no stack trace', async (file, where, message) => {
    const [issue] = await issuesOfFile(file);
    expect(issue!.message).toMatch(message);
    expect(`${issue!.location?.file}:${issue!.location?.line}:${issue!.location?.column}`).toContain(`${file}${where}`);
  });

  it('drill validate answers exit 2 for each of them, never an internal error', async () => {
    const result = await drill(['validate', ...files.map(([file]) => file)]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(NO_STACK);
    for (const [file] of files) expect(result.stderr).toContain(`${file} is not a valid scenario`);
  });

  it('a tag the parser cannot resolve is refused, not read as a string', () => {
    expect(issuesOfText(base('seed: !mystery 3\n'))).toEqual([
      expect.objectContaining({ message: 'YAML: Unresolved tag: !mystery', location: expect.objectContaining({ line: 9, column: 7 }) }),
    ]);
  });

  it('a byte-order mark is dropped: the file validates and positions stay right', async () => {
    expect(await loadScenarioFile(write('bom.yaml', `\uFEFF${valid}`))).toMatchObject({ scenario: { name: 'bad-input' } });
    const [issue] = await issuesOfFile(write('bom-bad.yaml', `\uFEFF${valid.replace('release: r1', 'release: r1\nbogus: 1')}`));
    expect(issue).toMatchObject({ message: 'unknown key "bogus"', location: { line: 3, column: 1 } });
  });
});

describe('the loopback rule reads addresses as the client that dials them', () => {
  it.each([
    ['"http://10.0.0.5\\\\@127.0.0.1/"'],
    ['"http://127.0.0.1\\t@10.0.0.5/"'],
    ['"http://10.0.0.5\\t@127.0.0.1/"'],
    ['"0x0a000001:80"'],
    ['"167772161:80"'],
    ['"10.1:80"'],
    ['"//10.0.0.5:80/x"'],
    ['"[fe80::1%eth0]:80"'],
    ['"http://012.0.0.1:80/"'],
  ])('env value %s is refused', (value) => {
    const issues = issuesOfText(base('', `    env: { UPSTREAM: ${value} }\n`));
    expect(issues).toEqual([expect.objectContaining({ path: 'services.web.env.UPSTREAM', message: expect.stringContaining('allowNonLoopback: true') })]);
  });

  it('a command argument is refused the same way', () => {
    const issues = issuesOfText(base().replace('[node, server.js]', '[node, server.js, "--peer=0x0a000001:80"]'));
    expect(issues.map((i) => i.path)).toEqual(['services.web.command.2']);
  });

  it('templates are checked once expanded: ${release} set to an address is refused', () => {
    const text = base('', '    env: { UPSTREAM: "http://${release}:80/" }\n').replace('release: r1', 'release: "10.0.0.5"');
    expect(issuesOfText(text)).toEqual([
      expect.objectContaining({ path: 'services.web.env.UPSTREAM', message: expect.stringMatching(/^"http:\/\/10\.0\.0\.5:80\/" \(written "http:\/\/\$\{release\}:80\/"\) reaches 10\.0\.0\.5/) }),
    ]);
  });

  it('the plan checks again with the real values, for scenarios changed after loading', async () => {
    const text = base('', '    env: { UPSTREAM: "http://${release}:80/" }\n').replace('release: r1', 'release: "127.0.0.1"');
    const { scenario } = parseScenario(text, 'scenario.yaml');
    scenario.release = '10.0.0.5';
    const error = await planStack(scenario, path.join(dir, 'run')).then(() => undefined, (e: unknown) => e);
    expect((error as ScenarioError).issues).toEqual([expect.objectContaining({ path: 'services.web.env.UPSTREAM', message: expect.stringContaining('reaches 10.0.0.5') })]);
  });

  it('loopback in other spellings passes', () => {
    const { scenario } = parseScenario(base('', '    env: { A: "127.1:80", B: "http://[::1]:80/", C: "2130706433:80", D: "ratio 16:9" }\n'), 'scenario.yaml');
    expect(Object.keys(scenario.services.web!.env)).toEqual(['A', 'B', 'C', 'D']);
  });
});

describe('numbers have upper bounds', () => {
  const signal = (workload: string, faults = '') => `name: bounds
release: 1.4.0
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot }
links: [{ from: bot, to: bridge }]
load: { executor: constant-arrival-rate, rate: 5, duration: 5s }
workload: { type: signal, bridge: bridge, bots: [bot]${workload} }
${faults}`;
  it.each([
    ['users', signal(', users: 1000000000'), 'workload.users', /at most 1,000,000 users, got 1000000000/],
    ['a duration past 2^31 ms', signal(', replyTimeout: 600h'), 'workload.replyTimeout', /at most 2,147,483,647 ms/],
    ['rate', base().replace('rate: 5,', 'rate: 1e12,'), 'load.rate', /drill drives at most 100,000 arrivals\/s/],
    ['a ramping target', base().replace('{ executor: constant-arrival-rate, rate: 5, duration: 5s }', '{ executor: ramping-arrival-rate, stages: [{ target: 200, duration: 1s }], timeUnit: 1ms }'), 'load.stages.0.target', /200,000\/s/],
    ['maxVUs', base().replace('duration: 5s', 'duration: 5s, maxVUs: 1e9'), 'load.maxVUs', /at most 100,000/],
    ['latency', signal('', 'faults:\n  timeline: [{ at: 1s, for: 2s, link: bot->bridge, type: latency, latency: 1e308 }]\n'), 'faults.timeline.0.latency', /at most 3,600,000 ms/],
    ['a ramp step', signal('', 'faults:\n  timeline: [{ at: 1s, for: 2s, link: bot->bridge, type: latency, ramp: { attribute: latency, from: 0, to: 100, step: 1us } }]\n'), 'faults.timeline.0.ramp.step', /at least 10 ms/],
    ['ramp updates', signal('', 'faults:\n  timeline: [{ at: 1s, for: 10h, link: bot->bridge, type: latency, ramp: { attribute: latency, from: 0, to: 100, step: 10ms } }]\n'), 'faults.timeline.0.ramp.step', /3600000 updates; at most 10000/],
    ['a ramp value', signal('', 'faults:\n  timeline: [{ at: 1s, for: 2s, link: bot->bridge, type: latency, ramp: { attribute: latency, from: 0, to: 1e308 } }]\n'), 'faults.timeline.0.ramp.to', /at most 3,600,000 ms/],
    ['series buckets', base('report: { interval: 10ms }\n').replace('duration: 5s', 'duration: 2h'), 'report.interval', /at most 100000/],
    ['the seed', base('seed: 1e15\n'), 'seed', /at most 4,294,967,295/],
    ['the name length', base().replace('name: bad-input', `name: ${'n'.repeat(300)}`), 'name', /at most 100 characters, got 300 characters/],
  ])('%s', (_what, text, at, message) => {
    expect(issuesOfText(text)).toContainEqual(expect.objectContaining({ path: at, message: expect.stringMatching(message) }));
  });

  it('10,000 services', () => {
    const services = Array.from({ length: 10_000 }, (_, i) => `  s${i}: { kind: bridge, command: [node] }\n`).join('');
    const text = base().replace(/services:\n[\s\S]*?load:/, `services:\n${services}load:`).replace('web.http', 's0.http');
    expect(issuesOfText(text)).toContainEqual(expect.objectContaining({ path: 'services', message: 'must be at most 100 services, got 10000 entries' }));
  });
});

describe('what used to pass validate and fail the run', () => {
  it.each([
    ['an unknown template', '    env: { A: "${nope}" }\n', 'services.web.env.A', /cannot resolve \$\{nope\}: known templates are/],
    ['an unknown port name', '    env: { A: "127.0.0.1:${ports.nope}" }\n', 'services.web.env.A', /cannot resolve \$\{ports\.nope\}: this service has ports http, control/],
    ['a link that is not declared', '    env: { A: "${links.other.http}" }\n', 'services.web.env.A', /this service has no links/],
    ['a NUL in env', '    env: { A: "a\\0b" }\n', 'services.web.env.A', /NUL character/],
  ])('%s', (_what, serviceExtra, at, message) => {
    expect(issuesOfText(base('', serviceExtra))).toContainEqual(expect.objectContaining({ path: at, message: expect.stringMatching(message) }));
  });

  it('a step on service "constructor" (a name every object has) is an unknown service', () => {
    const issues = issuesOfText(base('steps: [{ at: 1s, action: restart, service: constructor, checks: [{ service: toString, path: / }] }]\n'));
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ['steps.0.service', 'unknown service "constructor"; services are web'],
      ['steps.0.checks.0.service', 'unknown service "toString"; services are web'],
    ]);
  });

  it('report.dir outside the project is accepted with a warning', async () => {
    const file = write('outside.yaml', base('report: { dir: ../../elsewhere }\n'));
    const result = await drill(['validate', file]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/warning: `report\.dir`: "\.\.\/\.\.\/elsewhere" is outside the project folder.*outside\.yaml:\d+:\d+/);
  });
});

describe('the command line', () => {
  const scenario = write('ok.yaml', base());
  const blocker = write('not-a-folder', 'x');
  it.each([
    [['run', '--bogus', scenario], /Unknown option '--bogus'; run `drill run --help`/],
    [['schema', '--bogus'], /Unknown option '--bogus'/],
    [['validate'], /needs at least one scenario file/],
    [['constructor'], /unknown command "constructor"/],
    [['run', scenario, '--report-dir', path.join(blocker, 'reports')], /cannot create the report folder .*not a directory.*--report-dir/],
    [['run', scenario, '--report-dir', path.join(dir, 'n'.repeat(300))], /cannot create the report folder .*name too long/],
    [['run', 'scenarios/signal-gate.yaml', '--release', 'nosuch=1.4.0'], /--release nosuch=1\.4\.0: the scenario has no service "nosuch"; it has bridge, bot/],
    [['run', 'scenarios/signal-gate.yaml', '--release', 'bot=9.9.9'], /fixture "bot" of service "bot" has no release "9\.9\.9"; it has .*1\.4\.0/],
    [['run', 'scenarios/signal-gate.yaml', '--release', '9.9.9'], /fixture "bot" of service "bot" has no release "9\.9\.9"/],
  ])('drill %j is bad input: exit 2, no stack trace', async (args, message) => {
    const result = await drill(args);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(NO_STACK);
    expect(result.code).toBe(2);
  });
});
