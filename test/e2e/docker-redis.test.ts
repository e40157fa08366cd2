/**
 * A `redis` service on the docker runtime: `drill/redis:<version>` made offline with docker import from this
 * machine's redis-server, started on host networking on the plan's loopback port, answering PING and keeping
 * data, and removed on stop. Needs a Docker engine; skipped with the reason without one, failed with
 * DRILL_REQUIRE_DOCKER=1.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { containersOfRun } from '../../src/runtime/docker/container-remover.ts';
import { probeDockerEngine } from '../../src/runtime/docker/docker-engine.ts';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.ts';
import { RunRegistry } from '../../src/runtime/run-registry.ts';
import { planStack } from '../../src/runtime/stack-plan.ts';
import { parseScenario } from '../../src/scenario/scenario-loader.ts';

const engine = await probeDockerEngine();
const required = process.env.DRILL_REQUIRE_DOCKER === '1';
const api = engine.reachable ? engine.client.container.dockerode : undefined;

if (!engine.reachable) {
  describe('redis on the docker runtime', () => {
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

describe.skipIf(!engine.reachable)('redis on the docker runtime', () => {
  it('runs redis-server from a locally made image on the plan port and removes it on stop', async () => {
    const runId = `docker-redis-${process.pid}`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-docker-redis-'));
    const registry = RunRegistry.open(runId, 'docker-redis.test', path.join(dir, 'state'));
    cleanups.push(async () => {
      for (const id of await containersOfRun(api!, runId)) await api!.getContainer(id).remove({ force: true });
      registry.close();
    });
    const { scenario } = parseScenario(readFileSync('scenarios/signal-redis-replicas.yaml', 'utf8'), 'signal-redis-replicas.yaml');
    const plan = (await planStack(scenario, path.join(dir, 'run'))).find((p) => p.name === 'redis')!;

    const running = await new DockerRuntime(registry).start(plan);
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
