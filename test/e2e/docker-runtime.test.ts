/**
 * The docker runtime against a real Docker engine: a fixture container started through testcontainers with host
 * networking, probed on its loopback port, restarted on the same port with another release (another image tag),
 * paused and resumed, stopped; a start that fails; the reaper removing the containers of a harness killed
 * with SIGKILL; a `redis` service on its locally made image. Needs a Docker engine (`sudo scripts/setup-docker.sh`);
 * without one the tests are reported as skipped with the reason, and fail instead when DRILL_REQUIRE_DOCKER=1 (CI,
 * where the script ran first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/common/errors.ts';
import { containersOfRun, dockerContainerRemover, removeOwnContainersSync } from '../../src/runtime/docker/container-remover.ts';
import { probeDockerEngine, tolerating } from '../../src/runtime/docker/docker-engine.ts';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.ts';
import { buildFixtureImages } from '../../src/runtime/docker/fixture-images.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { reapDeadRuns, RunRegistry, type RunRecord } from '../../src/runtime/run-registry.ts';
import type { ServicePlan, ServiceSource } from '../../src/runtime/runtime.ts';
import { redisImageName } from '../../src/runtime/docker/redis-image.ts';
import { findRedisServer } from '../../src/runtime/redis-server.ts';
import { planStack } from '../../src/runtime/stack-plan.ts';
import { parseScenario } from '../../src/scenario/scenario-loader.ts';
import { startDrill } from '../helpers/drill-cli.ts';

const engine = await probeDockerEngine();
const required = process.env.DRILL_REQUIRE_DOCKER === '1';
const api = engine.reachable ? engine.client.container.dockerode : undefined;

if (!engine.reachable) {
  describe('docker runtime', () => {
    it(`${required ? 'fails' : 'is skipped'}: ${engine.reason}`, (context) => {
      if (required) throw new Error(`DRILL_REQUIRE_DOCKER=1 but ${engine.reason}`);
      context.skip(engine.reason);
    });
  });
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(runId: string) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-docker-'));
  const stateDir = path.join(dir, 'state');
  const registry = RunRegistry.open(runId, 'docker-runtime.test', stateDir);
  cleanups.push(async () => {
    // Whatever a failed assertion left running goes, so one failure does not leak into the next test.
    for (const id of await containersOfRun(api!, runId)) await api!.getContainer(id).remove({ force: true });
    registry.close();
  });
  return { dir, stateDir, registry, runtime: new DockerRuntime(registry) };
}

async function bridgePlan(
  dir: string,
  name: string,
  release: string,
  source: ServiceSource = { type: 'fixture', fixture: 'bridge' },
): Promise<ServicePlan> {
  const http = await freePort();
  const control = await freePort();
  return {
    name,
    kind: 'bridge',
    release,
    source,
    env: { PORT: String(http), DRILL_CONTROL_PORT: String(control), DRILL_RELEASE: release, MODE: 'json-rpc', DRILL_SERVICE: name },
    ports: {
      http: { name: 'http', protocol: 'tcp', host: '127.0.0.1', port: http },
      control: { name: 'control', protocol: 'tcp', host: '127.0.0.1', port: control },
    },
    readiness: { port: 'http', path: '/v1/health', timeoutMs: 20_000, intervalMs: 50 },
    stopTimeoutMs: 2_000,
    logFile: path.join(dir, 'logs', `${name}.log`),
    dataDir: path.join(dir, 'services', name),
  };
}

async function about(port: number, timeoutMs = 2_000): Promise<{ version: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/about`, { signal: AbortSignal.timeout(timeoutMs) });
  return (await response.json()) as { version: string };
}

function recordOf(stateDir: string, runId: string): RunRecord {
  return JSON.parse(readFileSync(path.join(stateDir, `${runId}.json`), 'utf8')) as RunRecord;
}

describe.skipIf(!engine.reachable)('docker runtime', () => {
  beforeAll(async () => {
    // The same code `drill images build --offline` runs: compile, stage, make the base from this node, build.
    await buildFixtureImages({ offline: true, fixtures: ['bridge'] });
  }, 600_000);

  it('starts a fixture container, restarts it on the same port with another release, pauses, resumes and stops it', async () => {
    const runId = `docker-test-${process.pid}-a`;
    const { dir, stateDir, runtime } = setup(runId);
    const plan = await bridgePlan(dir, 'bridge', '0.100');
    const first = await runtime.start(plan);
    expect((await about(plan.ports.http!.port)).version).toBe('0.100');
    const [firstId] = await containersOfRun(api!, runId);
    const labels = (await api!.getContainer(firstId!).inspect()).Config.Labels;
    expect(labels).toMatchObject({ 'drill.run': runId, 'drill.service': 'bridge', 'drill.release': '0.100' });
    expect(recordOf(stateDir, runId).containers).toEqual([{ service: 'bridge', id: firstId }]);

    const second = await first.restart({ release: '0.101' });
    expect(second.address('http').port).toBe(plan.ports.http!.port);
    expect((await about(plan.ports.http!.port)).version).toBe('0.101');
    const [secondId] = await containersOfRun(api!, runId);
    expect(secondId).not.toBe(firstId);
    expect((await api!.getContainer(secondId!).inspect()).Config.Image).toBe('drill/bridge:0.101');

    const usage = await second.usage();
    expect(usage!.cpuSeconds).toBeGreaterThan(0);
    expect(usage!.rssBytes).toBeGreaterThan(1_000_000);

    const paused = await second.pause();
    await expect(about(plan.ports.http!.port, 300)).rejects.toThrow();
    const resumed = await paused.resume();
    expect((await about(plan.ports.http!.port)).version).toBe('0.101');

    const stopped = await resumed.stop();
    expect(stopped.exit).toEqual({ code: 0, signal: null, expected: true });
    expect(await containersOfRun(api!, runId)).toEqual([]);
    expect(recordOf(stateDir, runId).containers).toEqual([]);
    const log = readFileSync(plan.logFile, 'utf8');
    expect(log.match(/"event":"listening"/g)).toHaveLength(2);
    expect(log).toContain('starting bridge release 0.101: image drill/bridge:0.101');
  });

  it("runs a named image with the plan's env, and kills it", async () => {
    const runId = `docker-test-${process.pid}-b`;
    const { dir, runtime } = setup(runId);
    const plan = await bridgePlan(dir, 'any-image', '0.100', { type: 'image', image: 'drill/bridge:0.101' });
    const service = await runtime.start(plan);
    // The image defaults to 0.101; the plan's env says 0.100.
    expect((await about(plan.ports.http!.port)).version).toBe('0.100');
    const stopped = await service.kill();
    expect(stopped.exit).toMatchObject({ signal: 'SIGKILL', expected: true });
    expect(await containersOfRun(api!, runId)).toEqual([]);
  });

  it('fails a start whose container exits before it is ready, and leaves no container', async () => {
    const runId = `docker-test-${process.pid}-c`;
    const { dir, stateDir, runtime } = setup(runId);
    const plan = await bridgePlan(dir, 'broken', 'no-such-release', { type: 'image', image: 'drill/bridge:0.100' });
    const error = await runtime.start(plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toMatch(/broken exited before it was ready[\s\S]*no behaviour profile for release "no-such-release"/);
    expect(await containersOfRun(api!, runId)).toEqual([]);
    expect(recordOf(stateDir, runId).containers).toEqual([]);
  });

  it('names the command that builds a missing fixture image', async () => {
    const { dir, runtime } = setup(`docker-test-${process.pid}-d`);
    await expect(runtime.start(await bridgePlan(dir, 'bridge', '9.9.9'))).rejects.toThrow(
      /image drill\/bridge:9\.9\.9 is not built\. Run `drill images build`/,
    );
  });

  it('force-removes the containers of its own runs synchronously (second Ctrl-C)', async () => {
    const runId = `docker-test-${process.pid}-f`;
    const { dir, stateDir, runtime } = setup(runId);
    const service = await runtime.start(await bridgePlan(dir, 'bridge', '0.100'));
    expect(removeOwnContainersSync(stateDir)).toBe(1);
    expect(await containersOfRun(api!, runId)).toEqual([]);
    expect((await service.exited).expected).toBe(false);
    expect(recordOf(stateDir, runId).containers).toEqual([]);
  });

  it('removes the containers of a harness killed with SIGKILL when dead runs are reaped', async () => {
    const runId = `docker-test-${process.pid}-e`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-docker-reap-'));
    const stateDir = path.join(dir, 'state');
    cleanups.push(async () => {
      for (const id of await containersOfRun(api!, runId)) await api!.getContainer(id).remove({ force: true });
    });
    const plan = await bridgePlan(dir, 'orphan', '0.100');
    const harness = spawnHarness(runId, stateDir, plan);
    await harness.ready;
    const [recorded] = await containersOfRun(api!, runId);
    expect(recorded).toBeDefined();
    harness.child.kill('SIGKILL');
    await harness.exited;
    // It outlives its harness: nothing but the reaper will remove it.
    expect((await about(plan.ports.http!.port)).version).toBe('0.100');
    // A container of the run the record never heard of (created just before the harness died): the label net.
    const unrecorded = await api!.createContainer({ Image: 'drill/bridge:0.100', Labels: { 'drill.run': runId } });

    const reaped = await reapDeadRuns({ stateDir, removeContainers: dockerContainerRemover() });
    expect(reaped).toEqual([{ runId, killedPids: [], containers: [recorded] }]);
    expect(await containersOfRun(api!, runId)).toEqual([]);
    await expect(api!.getContainer(unrecorded.id).inspect()).rejects.toThrow();
    expect(readdirSync(stateDir).filter((f) => f.endsWith('.json'))).toEqual([]);
    expect(existsSync(plan.logFile)).toBe(true);
  });

  it('removes every container of a `drill run` killed with SIGKILL mid-run at the next drill start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-docker-kill-'));
    const stateDir = path.join(dir, 'state');
    const file = path.join(dir, 'bridge.yaml');
    writeFileSync(
      file,
      `name: killed
release: "0.100"
runtime: docker
services:
  bridge: { kind: bridge }
  mirror: { kind: bridge, dependsOn: [bridge] }
load: { executor: constant-arrival-rate, rate: 20, duration: 60s }
workload: { type: http, target: bridge.http, path: /v1/health }
`,
    );
    const drill = startDrill(['run', file, '--report-dir', path.join(dir, 'reports')], { DRILL_STATE_DIR: stateDir });
    await drill.waitForOutput(/load start/, 60_000);
    const [recordFile] = readdirSync(stateDir).filter((f) => f.endsWith('.json'));
    const runId = recordFile!.replace(/\.json$/, '');
    cleanups.push(async () => {
      for (const id of await containersOfRun(api!, runId)) await api!.getContainer(id).remove({ force: true });
    });
    const running = await containersOfRun(api!, runId);
    expect(running).toHaveLength(2);
    drill.child.kill('SIGKILL');
    await drill.exit;
    // Nothing cleaned up after the dead harness: both containers still run.
    expect(await containersOfRun(api!, runId)).toHaveLength(2);

    // The next start reaps the dead run (`drill run` does so before anything else; `drill reap` does only that).
    const reap = startDrill(['reap'], { DRILL_STATE_DIR: stateDir });
    expect((await reap.exit).code).toBe(0);
    expect(reap.output()).toMatch(new RegExp(`${runId}.*2 container`));
    expect(await containersOfRun(api!, runId)).toEqual([]);
    expect(readdirSync(stateDir).filter((f) => f.endsWith('.json'))).toEqual([]);
  }, 120_000);

  it('runs a redis service from drill/redis:<version>, made offline from this machine\'s redis-server, and removes it on stop', async () => {
    const runId = `docker-test-${process.pid}-redis`;
    const { dir, runtime } = setup(runId);
    const { scenario } = parseScenario(readFileSync('scenarios/signal-redis-replicas.yaml', 'utf8'), 'signal-redis-replicas.yaml');
    const plan = (await planStack(scenario, path.join(dir, 'run'))).find((p) => p.name === 'redis')!;
    // Made again from this machine's redis-server (unless a container of another run uses it right now).
    await tolerating([404, 409], () => api!.getImage(redisImageName(findRedisServer()!)).remove());
    const running = await runtime.start(plan);
    const [id] = await containersOfRun(api!, runId);
    expect((await api!.getContainer(id!).inspect()).Config.Image).toMatch(/^drill\/redis:\d+\.\d+\.\d+$/);
    const client = createClient({ socket: { host: '127.0.0.1', port: plan.ports.redis!.port } });
    await client.connect();
    expect(await client.rPush('drill_dlq', ['a', 'b'])).toBe(2);
    expect(await client.lRange('drill_dlq', 0, -1)).toEqual(['a', 'b']);
    await client.close();
    await running.stop();
    expect(await containersOfRun(api!, runId)).toEqual([]);
  }, 180_000);
});

/** A harness process: opens a run registry, starts one container through DockerRuntime, says so, then waits (at most 60 s). */
function spawnHarness(runId: string, stateDir: string, plan: ServicePlan) {
  const module = (file: string) => JSON.stringify(pathToFileURL(path.resolve(file)).href);
  const script = `
    const { DockerRuntime } = await import(${module('src/runtime/docker/docker-runtime.ts')});
    const { RunRegistry } = await import(${module('src/runtime/run-registry.ts')});
    const registry = RunRegistry.open(process.env.RUN_ID, 'docker-harness', process.env.DRILL_STATE_DIR);
    await new DockerRuntime(registry).start(JSON.parse(process.env.PLAN));
    process.stdout.write('ready\\n');
    setTimeout(() => process.exit(0), 60_000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, RUN_ID: runId, DRILL_STATE_DIR: stateDir, PLAN: JSON.stringify(plan) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready\n')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`the harness exited before its container was ready:\n${output}`)));
  });
  return { child, ready, exited };
}
