/**
 * How long a fixture takes from `Runtime.start()` to a passed readiness probe: as a local process from the
 * TypeScript sources (tsx, drill's default when run from a checkout), as a local process from compiled
 * JavaScript, and as a container of `drill/<fixture>:<release>` (build it first: `drill images build --offline`).
 *
 * Usage: npx tsx scripts/measure-start-times.ts [--fixture bridge] [--release 0.100] [--runs 5] [--env KEY=VALUE]...
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DockerRuntime } from '../src/runtime/docker/docker-runtime.ts';
import { prepareImageContext } from '../src/runtime/docker/image-context.ts';
import { expandTemplate } from '../src/runtime/env-template.ts';
import { freePort } from '../src/runtime/free-port.ts';
import { ProcessRuntime } from '../src/runtime/process-runtime.ts';
import { RunRegistry } from '../src/runtime/run-registry.ts';
import type { Runtime, ServicePlan, ServiceSource } from '../src/runtime/runtime.ts';
import { serviceKindCatalog } from '../src/runtime/service-kinds.ts';
import type { ServiceKind } from '../src/scenario/service-schema.ts';

const { values } = parseArgs({
  options: {
    fixture: { type: 'string', default: 'bridge' },
    release: { type: 'string', default: '0.100' },
    runs: { type: 'string', default: '5' },
    env: { type: 'string', multiple: true },
  },
});
const extraEnv = Object.fromEntries(
  (values.env ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);
const fixture = values.fixture!;
const release = values.release!;
const runs = Math.min(Math.max(Number(values.runs) || 5, 1), 50);
const kind = fixture as ServiceKind;
const definition = serviceKindCatalog[kind];
if (!definition?.readiness) throw new Error(`${fixture} is not a fixture kind with a readiness probe`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-start-times-'));
const registry = RunRegistry.open(`start-times-${process.pid}`, 'measure-start-times', path.join(dir, 'state'));
const context = prepareImageContext();

async function planFor(source: ServiceSource, run: number): Promise<ServicePlan> {
  const ports: ServicePlan['ports'] = {};
  const name = `${fixture}-${run}`;
  const dataDir = path.join(dir, 'services', name);
  const env: Record<string, string> = { DRILL_RELEASE: release, DRILL_SERVICE: fixture };
  for (const [name, port] of Object.entries(definition.ports)) {
    const binding = { name, protocol: port.protocol, host: '127.0.0.1', port: await freePort(port.protocol) };
    ports[name] = binding;
    if (port.env) env[port.env] = port.format === 'host:port' ? `127.0.0.1:${binding.port}` : String(binding.port);
  }
  const values = {
    ports: Object.fromEntries(Object.entries(ports).map(([k, b]) => [k, b.port])),
    links: {},
    release,
    dataDir,
    service: name,
  };
  for (const [key, template] of Object.entries(definition.env ?? {})) {
    const expanded = expandTemplate(template, values);
    if ('error' in expanded) throw new Error(`${fixture} env ${key}: ${expanded.error}`);
    env[key] = expanded.value;
  }
  Object.assign(env, extraEnv);
  return {
    name,
    kind,
    release,
    source,
    env,
    ports,
    readiness: { ...definition.readiness!, timeoutMs: 30_000, intervalMs: 10 },
    stopTimeoutMs: 2_000,
    logFile: path.join(dir, 'logs', `${name}.log`),
    dataDir,
  };
}

async function measure(label: string, runtime: Runtime, source: ServiceSource): Promise<void> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const plan = await planFor(source, run);
    const started = performance.now();
    const service = await runtime.start(plan);
    times.push(performance.now() - started);
    await service.stop();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${label.padEnd(34)} median ${median.toFixed(0).padStart(5)} ms   min ${times[0]!.toFixed(0).padStart(5)} ms   max ${times.at(-1)!.toFixed(0).padStart(5)} ms   (${runs} runs)`,
  );
}

try {
  console.log(`${fixture} ${release}: Runtime.start() to ready, on ${os.cpus().length} cores`);
  const processes = new ProcessRuntime(registry);
  await measure('process, TypeScript sources (tsx)', processes, { type: 'fixture', fixture });
  const compiled = path.join(context.dir, 'app', 'dist', 'fixtures', fixture, 'main.js');
  await measure('process, compiled JavaScript', processes, { type: 'command', argv: [process.execPath, compiled] });
  await measure(`container, drill/${fixture}:${release}`, new DockerRuntime(registry), { type: 'fixture', fixture });
} finally {
  context.dispose();
  registry.close();
  rmSync(dir, { recursive: true, force: true });
}
