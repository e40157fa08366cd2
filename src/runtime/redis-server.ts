/**
 * The `redis` service kind: the distribution's `redis-server` (Debian package `redis-server`), started on the
 * plan's loopback port with its working directory in the service's own folder. Persistence is off unless the
 * scenario's env asks: `REDIS_APPENDONLY: "yes"` (append-only file) or `REDIS_SAVE: "60 1"` (RDB snapshots),
 * so a restarted Redis comes back empty, as a cache-only production Redis does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ServiceError } from '../common/errors.ts';
import type { DoctorCheck } from './docker/docker-doctor.ts';
import type { PortBinding, ServicePlan } from './runtime.ts';

export const REDIS_INSTALL_HINT = 'apt-get update && apt-get install -y redis-server';
const FALLBACK_PATH = '/usr/bin/redis-server';

/** The redis-server binary: the first on PATH, else /usr/bin/redis-server; undefined when neither exists. */
export function findRedisServer(searchPath = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'redis-server');
    if (existsSync(candidate)) return candidate;
  }
  return existsSync(FALLBACK_PATH) ? FALLBACK_PATH : undefined;
}

/** argv of a plan's redis-server (`binary`, from findRedisServer): loopback only, foreground, log on stdout, data in the service folder. */
export function redisServerArgv(plan: ServicePlan, binary: string | undefined): string[] {
  if (!binary) throw new ServiceError(`${plan.name}: redis-server is not installed; install it with \`${REDIS_INSTALL_HINT}\` (see \`drill doctor\`)`);
  const binding = plan.ports['redis'];
  if (!binding) throw new ServiceError(`${plan.name}: a redis service needs its "redis" port`);
  return [
    binary,
    '--bind', binding.host,
    '--port', String(binding.port),
    '--dir', plan.dataDir,
    '--daemonize', 'no',
    '--logfile', '',
    '--save', plan.env['REDIS_SAVE'] ?? '',
    '--appendonly', plan.env['REDIS_APPENDONLY'] === 'yes' ? 'yes' : 'no',
  ];
}

/** Sends PING; resolves on `+PONG`, rejects with what came back otherwise (a loading or refusing server). */
export function pingRedis(binding: PortBinding, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: binding.host, port: binding.port });
    let reply = '';
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no PING reply within ${timeoutMs} ms`)));
    socket.once('error', (error) => done(error));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      if (!reply.includes('\r\n')) return;
      const line = reply.slice(0, reply.indexOf('\r\n'));
      done(line === '+PONG' ? undefined : new Error(`PING answered ${line}`));
    });
  });
}

/** `drill doctor`'s line on redis-server. A warning, not a failure: only scenarios with a `redis` service need it. */
export function checkRedisServer(): DoctorCheck {
  return describeRedisServer(findRedisServer());
}

/** The doctor line for this binary, or for none. */
export function describeRedisServer(binary: string | undefined): DoctorCheck {
  if (!binary)
    return { name: 'redis-server', status: 'warn', detail: 'missing: scenarios with a redis service cannot start', fix: REDIS_INSTALL_HINT };
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 5_000 });
  const found = /v=(\S+)/.exec(version.stdout ?? '')?.[1];
  return found
    ? { name: 'redis-server', status: 'ok', detail: `${found} at ${binary} (for redis services on runtime: process)` }
    : { name: 'redis-server', status: 'warn', detail: `${binary} does not run: ${(version.stderr || version.error?.message || '').trim()}`, fix: REDIS_INSTALL_HINT };
}
