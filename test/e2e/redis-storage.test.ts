/**
 * The bot's STORAGE_TYPE=redis on a real redis-server started by the process runtime (service kind `redis`):
 * DLQ records land in Redis under DLQ_NAME, two replicas share one DLQ, a restarted replica finds the depth it
 * left, and teardown leaves no redis-server behind.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { isSameProcessAlive } from '../../src/runtime/process-info.ts';
import { ProcessRuntime } from '../../src/runtime/process-runtime.ts';
import { RunRegistry } from '../../src/runtime/run-registry.ts';
import { planStack } from '../../src/runtime/stack-plan.ts';
import { RunningStack } from '../../src/runtime/stack.ts';
import { parseScenario } from '../../src/scenario/scenario-loader.ts';
import type { BotDlqStatus } from '../../src/wire/signal.ts';
import { runScenarioFile, startDrill } from '../helpers/drill-cli.ts';

const DLQ = 'drill_redis_dlq';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startRedisStack(redisEnv = '') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-redis-'));
  const text = readFileSync('scenarios/signal-redis-replicas.yaml', 'utf8')
    .replaceAll('STORAGE_TYPE: redis', `STORAGE_TYPE: redis, DLQ_NAME: ${DLQ}`)
    .replace('    kind: redis\n', `    kind: redis\n${redisEnv ? `    env: ${redisEnv}\n` : ''}`);
  const { scenario } = parseScenario(text, 'signal-redis-replicas.yaml');
  const registry = RunRegistry.open('redis-test', 'test', path.join(dir, 'state'));
  const stack = await RunningStack.start(new ProcessRuntime(registry), await planStack(scenario, path.join(dir, 'run')));
  cleanups.push(async () => {
    await stack.teardown();
    registry.close();
  });
  const redisAt = stack.running('redis').address('redis');
  const client = createClient({ socket: { host: redisAt.host, port: redisAt.port } });
  client.on('error', () => undefined); // a Redis restart drops the connection; the client reconnects
  await client.connect();
  cleanups.push(async () => {
    if (client.isOpen) await client.close();
  });
  const bridge = `http://127.0.0.1:${stack.running('bridge').address('control').port}`;
  const dlqOf = async (bot: string) => {
    const response = await fetch(`http://127.0.0.1:${stack.running(bot).address('health').port}/dlq`);
    return ((await response.json()) as BotDlqStatus).depth;
  };
  const account = scenario.workload.type === 'signal' ? scenario.workload.account : '';
  return { stack, client, bridge, dlqOf, account };
}

type RedisStack = Awaited<ReturnType<typeof startRedisStack>>;

/** Every send fails with a 400: each replica (the bridge fans each frame out to both) parks each of 2 messages in the DLQ. */
async function parkTwoMessagesOnBothReplicas({ client, bridge, account }: RedisStack) {
  await control(`${bridge}/_drill/faults`, 'PUT', { recipientFailures: { share: 1, reason: 'UNREGISTERED_FAILURE' } });
  const messages = [1, 2].map((n) => ({ source: `+1555000100${n}`, timestamp: Date.now() + n, message: '!ping' }));
  await expect.poll(async () => {
    const stats = (await (await fetch(`${bridge}/_drill/stats`)).json()) as { subscribers: number };
    return stats.subscribers;
  }, { timeout: 15_000 }).toBe(2);
  await control(`${bridge}/_drill/inject`, 'POST', { account, messages });
  await expect.poll(() => client.lLen(DLQ), { timeout: 15_000 }).toBe(4);
  return messages;
}

function connectError(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function control(url: string, method: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, await response.text()).toBe(200);
}

describe('STORAGE_TYPE=redis on a real redis-server', () => {
  it('two replicas share one DLQ in Redis, it survives a replica restart, and teardown leaves no redis-server', async () => {
    const redisStack = await startRedisStack();
    const { stack, client, dlqOf } = redisStack;
    const redisPid = stack.running('redis').pid!;
    expect(await client.ping()).toBe('PONG');
    expect(stack.running('bot-a').plan.env).toMatchObject({ REDIS_HOST: '127.0.0.1', REDIS_PORT: String(stack.running('redis').address('redis').port) });

    const messages = await parkTwoMessagesOnBothReplicas(redisStack);
    const records = (await client.lRange(DLQ, 0, -1)).map((r) => JSON.parse(r) as { payload: { reason: string; metadata: { source: string } }; retry_count: number });
    expect(records.map((r) => r.payload.reason)).toEqual(Array(4).fill(records[0]!.payload.reason));
    expect(records.map((r) => r.payload.metadata.source).sort()).toEqual([...messages, ...messages].map((m) => m.source).sort());
    // One shared list: each replica reports the depth of both.
    expect(await dlqOf('bot-a')).toBe(4);
    expect(await dlqOf('bot-b')).toBe(4);

    await stack.restart('bot-a');
    expect(await dlqOf('bot-a')).toBe(4);
    expect(await client.lLen(DLQ)).toBe(4);

    // Without persistence (the default) a restarted Redis is empty, and the replicas, reconnected, say so.
    await stack.restart('redis');
    await expect.poll(() => client.lLen(DLQ), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => dlqOf('bot-b'), { timeout: 10_000 }).toBe(0);

    const redisAt = stack.running('redis').address('redis');
    await client.close();
    await stack.teardown();
    expect(isSameProcessAlive(redisPid)).toBe(false);
    expect(await connectError(redisAt.host, redisAt.port)).toBe('ECONNREFUSED');
  }, 90_000);

  it('with REDIS_APPENDONLY=yes the DLQ survives a Redis restart, and the replicas reconnect to it', async () => {
    const redisStack = await startRedisStack('{ REDIS_APPENDONLY: "yes" }');
    const { stack, client, dlqOf } = redisStack;
    await parkTwoMessagesOnBothReplicas(redisStack);
    await stack.restart('redis');
    await expect.poll(() => client.lLen(DLQ), { timeout: 10_000 }).toBe(4);
    await expect.poll(() => dlqOf('bot-a'), { timeout: 10_000 }).toBe(4);
    await expect.poll(() => dlqOf('bot-b'), { timeout: 10_000 }).toBe(4);
  }, 90_000);
});

const faultScenario = `name: redis-link-latency
release: 1.4.0
seed: 3
services:
  bridge: { kind: bridge, release: "0.100" }
  redis: { kind: redis }
  bot: { kind: bot, env: { STORAGE_TYPE: redis, WORKER_POOL_SIZE: 16, RATE_LIMIT: 200 } }
links:
  - { from: bot, to: bridge }
  - { from: bot, to: redis }
load: { executor: constant-arrival-rate, rate: 10, duration: 16s, gracefulStop: 5s }
workload: { type: signal, bridge: bridge, bots: [bot], messages: [{ text: "!ping" }] }
faults:
  timeline:
    - { at: 5s, for: 5s, link: bot->redis, type: latency, latency: 200 }
`;

describe('a fault on the bot -> redis link', () => {
  it('goes through the proxy the bot reaches Redis at, and slows the replies while it lasts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-redis-fault-'));
    writeFileSync(path.join(dir, 's.yaml'), faultScenario);
    const { code, report, output } = await runScenarioFile(path.join(dir, 's.yaml'));
    expect(code, output).toBe(0);
    const p50 = (name: string) => report.phases.find((p) => p.name === name)!.slis.reply_latency!.percentiles!.p50!;
    // Every processed message writes a checkpoint through the link; storage calls block the bot, so replies queue.
    expect(p50('fault-0-latency')).toBeGreaterThan(p50('baseline') + 150);
    const inject = report.timeline.find((e) => e.source === 'fault' && e.type === 'inject');
    expect(inject?.detail).toMatch(/verified: accepted by server/);
  }, 120_000);
});

describe('drill doctor', () => {
  it('reports the redis-server binary and its version', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-doctor-'));
    const drill = startDrill(['doctor'], { DRILL_STATE_DIR: path.join(dir, 'state') });
    await drill.exit;
    expect(drill.output()).toMatch(/redis-server.*\d+\.\d+\.\d+ at \/\S*redis-server/);
  }, 60_000);
});
