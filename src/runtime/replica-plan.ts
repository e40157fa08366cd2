/**
 * The plan of a replica of a service (`scale`): the original's plan with ports of its own, its own log file and
 * folder, and its name. Env values that carried one of the original's own ports (a bare port number, or
 * `host:port`) carry the replica's instead; everything else (links, release, settings) is the original's.
 */
import path from 'node:path';
import { freePort } from './free-port.ts';
import type { PortBinding, ServicePlan } from './runtime.ts';

export async function planReplica(original: ServicePlan, name: string): Promise<ServicePlan> {
  const ports: Record<string, PortBinding> = {};
  const moved = new Map<number, number>();
  for (const [portName, binding] of Object.entries(original.ports)) {
    const port = await freePort(binding.protocol, binding.host);
    ports[portName] = { ...binding, port };
    moved.set(binding.port, port);
  }
  const rewrite = (value: string): string => {
    const bare = moved.get(Number(value));
    if (bare !== undefined && /^\d+$/.test(value)) return String(bare);
    return value.replace(/((?:127\.\d+\.\d+\.\d+|localhost|\[::1\]):)(\d+)/g, (whole, host: string, port: string) => {
      const to = moved.get(Number(port));
      return to === undefined ? whole : `${host}${to}`;
    });
  };
  const env = Object.fromEntries(Object.entries(original.env).map(([key, value]) => [key, rewrite(value)]));
  env.DRILL_SERVICE = name;
  const source = original.source.type === 'command' ? { ...original.source, argv: original.source.argv.map(rewrite) } : original.source;
  return {
    ...original,
    name,
    source,
    env,
    ports,
    logFile: path.join(path.dirname(original.logFile), `${name}.log`),
    dataDir: path.join(path.dirname(original.dataDir), name),
  };
}
