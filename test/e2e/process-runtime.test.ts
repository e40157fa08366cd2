/**
 * The process runtime against real child processes: readiness, stop, kill, pause/resume, restart on the
 * same port with another release, and teardown of whole process groups.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceError } from '../../src/common/errors.ts';
import { isSameProcessAlive } from '../../src/runtime/process-info.ts';
import { ProcessRuntime } from '../../src/runtime/process-runtime.ts';
import { RunRegistry } from '../../src/runtime/run-registry.ts';
import type { ServicePlan } from '../../src/runtime/runtime.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { defaultPortLockDir } from '../../src/runtime/port-reservations.ts';
import { RunningStack } from '../../src/runtime/stack.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-runtime-'));
  const registry = RunRegistry.open('test-run', 'test', path.join(dir, 'state'));
  cleanups.push(async () => registry.close());
  return { dir, registry, runtime: new ProcessRuntime(registry) };
}

async function tinyPlan(dir: string, name: string, env: Record<string, string> = {}): Promise<ServicePlan> {
  const port = await freePort();
  return {
    name,
    kind: 'bridge',
    release: 'r1',
    source: { type: 'command', argv: [process.execPath, path.resolve('test/helpers/tiny-server.mjs')] },
    env: { PORT: String(port), DRILL_RELEASE: 'r1', ...env },
    ports: { http: { name: 'http', protocol: 'tcp', host: '127.0.0.1', port } },
    readiness: { port: 'http', path: '/health', timeoutMs: 10_000, intervalMs: 50 },
    stopTimeoutMs: 1_000,
    logFile: path.join(dir, 'logs', `${name}.log`),
    dataDir: path.join(dir, 'services', name),
  };
}

async function health(port: number, timeoutMs = 2_000): Promise<{ pid: number; grandchild: number | null; release: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(timeoutMs) });
  return (await response.json()) as { pid: number; grandchild: number | null; release: string };
}

describe('process runtime', () => {
  it('starts a service, waits for readiness, and stops its whole process group', async () => {
    const { dir, runtime } = await setup();
    const plan = await tinyPlan(dir, 'svc', { SPAWN_GRANDCHILD: '1' });
    const service = await runtime.start(plan);
    const { pid, grandchild } = await health(plan.ports.http!.port);
    expect(pid).toBe(service.pid);
    expect(grandchild).toBeGreaterThan(0);
    const stopped = await service.stop();
    expect(stopped.exit.expected).toBe(true);
    expect(isSameProcessAlive(pid)).toBe(false);
    await expect.poll(() => isSameProcessAlive(grandchild!)).toBe(false);
    expect(readdirSync(path.join(dir, 'logs'))).toEqual(['svc.log']);
  });

  it('escalates to SIGKILL when a service ignores SIGTERM', async () => {
    const { dir, runtime } = await setup();
    const service = await runtime.start(await tinyPlan(dir, 'stubborn', { IGNORE_SIGTERM: '1' }));
    const stopped = await service.stop();
    expect(stopped.exit.signal).toBe('SIGKILL');
  });

  it('pauses (no answers) and resumes (answers again)', async () => {
    const { dir, runtime } = await setup();
    const plan = await tinyPlan(dir, 'pausable');
    const service = await runtime.start(plan);
    cleanups.push(async () => void (await service.kill()));
    const paused = await service.pause();
    await expect(health(plan.ports.http!.port, 300)).rejects.toThrow();
    const resumed = await paused.resume();
    expect((await health(plan.ports.http!.port)).pid).toBe(resumed.pid);
  });

  it('restarts on the same port with another release', async () => {
    const { dir, runtime } = await setup();
    const plan = await tinyPlan(dir, 'restartable');
    const first = await runtime.start(plan);
    const second = await first.restart({ release: 'r2', downMs: 100 });
    cleanups.push(async () => void (await second.kill()));
    expect(second.pid).not.toBe(first.pid);
    const after = await health(plan.ports.http!.port);
    expect(after).toMatchObject({ pid: second.pid, release: 'r2' });
    expect(isSameProcessAlive(first.pid!)).toBe(false);
  });

  it('fails a start whose service exits, naming the log', async () => {
    const { dir, runtime } = await setup();
    const plan = await tinyPlan(dir, 'broken');
    plan.source = { type: 'command', argv: [process.execPath, '-e', 'console.error("boom: bad config"); process.exit(4)'] };
    const error = await runtime.start(plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toMatch(/broken exited before it was ready[\s\S]*boom: bad config/);
  });

  it('a stack starts in order, reports unexpected exits, and tears down everything, its port claims included', async () => {
    const { dir, runtime } = await setup();
    const events: string[] = [];
    const plans = [await tinyPlan(dir, 'a'), await tinyPlan(dir, 'b')];
    const stack = await RunningStack.start(runtime, plans, { onEvent: (e) => events.push(`${e.type}:${e.service}`) });
    const pids = plans.map((p) => stack.running(p.name).pid!);
    const portLocks = plans.map((p) => path.join(defaultPortLockDir(), String(p.ports.http!.port)));
    for (const lock of portLocks) expect(existsSync(lock), lock).toBe(true);
    process.kill(pids[0]!, 'SIGKILL'); // not asked for by the harness
    await expect.poll(() => events).toContain('exited-unexpectedly:a');
    await stack.teardown();
    expect(events.slice(0, 2)).toEqual(['started:a', 'started:b']);
    for (const pid of pids) expect(isSameProcessAlive(pid)).toBe(false);
    for (const lock of portLocks) expect(existsSync(lock), lock).toBe(false);
  });

  it('with dependencies, starts independent services together and a failed one stops its dependents and the rest', async () => {
    const { dir, runtime } = await setup();
    const events: string[] = [];
    // a and b depend on nothing, c on b. b exits before it is ready: c never starts, and a, started beside it, is stopped.
    const [a, b, c] = [await tinyPlan(dir, 'a'), await tinyPlan(dir, 'b'), await tinyPlan(dir, 'c')];
    b!.source = { type: 'command', argv: [process.execPath, '-e', 'setTimeout(() => process.exit(4), 300)'] };
    const dependencies = new Map([['a', new Set<string>()], ['b', new Set<string>()], ['c', new Set(['b'])]]);
    const error = await RunningStack.start(runtime, [a!, b!, c!], { onEvent: (e) => events.push(`${e.type}:${e.service}`) }, dependencies).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toMatch(/b exited before it was ready/);
    expect(events).toContain('started:a');
    expect(events.some((e) => e.endsWith(':c'))).toBe(false);
    await expect.poll(() => fetch(`http://127.0.0.1:${a!.ports.http!.port}/health`).then(() => 'up', () => 'down')).toBe('down');
  });

  it('with dependencies, starts a service only once those it depends on are ready', async () => {
    const { dir, runtime } = await setup();
    const events: string[] = [];
    const plans = [await tinyPlan(dir, 'a'), await tinyPlan(dir, 'b'), await tinyPlan(dir, 'c')];
    const dependencies = new Map([['a', new Set<string>()], ['b', new Set(['a'])], ['c', new Set<string>()]]);
    const stack = await RunningStack.start(runtime, plans, { onEvent: (e) => events.push(`${e.type}:${e.service}`) }, dependencies);
    cleanups.push(() => stack.teardown());
    expect(events.indexOf('started:b')).toBeGreaterThan(events.indexOf('started:a'));
    for (const plan of plans) expect(stack.state(plan.name).state).toBe('running');
  });
});
