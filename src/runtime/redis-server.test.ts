import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeRedisServer, findRedisServer, redisServerArgv } from './redis-server.ts';
import type { ServicePlan } from './runtime.ts';

const plan = (env: Record<string, string>): ServicePlan => ({
  name: 'redis',
  kind: 'redis',
  release: '1.4.0',
  source: { type: 'server', server: 'redis' },
  env,
  ports: { redis: { name: 'redis', protocol: 'tcp', host: '127.0.0.1', port: 16_400 } },
  readiness: undefined,
  stopTimeoutMs: 1_000,
  logFile: '/tmp/run/logs/redis.log',
  dataDir: '/tmp/run/services/redis',
});

describe('redisServerArgv', () => {
  it('binds the plan port on loopback, works in the service folder, persists nothing by default', () => {
    expect(redisServerArgv(plan({ REDIS_SAVE: '', REDIS_APPENDONLY: 'no' }), '/usr/bin/redis-server')).toEqual([
      '/usr/bin/redis-server', '--bind', '127.0.0.1', '--port', '16400', '--dir', '/tmp/run/services/redis',
      '--daemonize', 'no', '--logfile', '', '--save', '', '--appendonly', 'no',
    ]);
  });

  it('persists when the env asks', () => {
    const argv = redisServerArgv(plan({ REDIS_SAVE: '60 1', REDIS_APPENDONLY: 'yes' }), '/usr/bin/redis-server');
    expect(argv.slice(-4)).toEqual(['--save', '60 1', '--appendonly', 'yes']);
  });

  it('names the install command when redis-server is missing', () => {
    expect(() => redisServerArgv(plan({}), undefined)).toThrow(/apt-get update && apt-get install -y redis-server/);
  });
});

describe('findRedisServer and the doctor line', () => {
  it('takes the first redis-server on PATH', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-redis-path-'));
    writeFileSync(path.join(dir, 'redis-server'), '#!/bin/sh\necho "Redis server v=9.9.9 sha=0"\n');
    chmodSync(path.join(dir, 'redis-server'), 0o755);
    expect(findRedisServer(dir)).toBe(path.join(dir, 'redis-server'));
    expect(describeRedisServer(path.join(dir, 'redis-server'))).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^9\.9\.9 at /) });
  });

  it('reports a missing redis-server with the install command', () => {
    expect(describeRedisServer(undefined)).toEqual({
      name: 'redis-server',
      status: 'warn',
      detail: 'missing: scenarios with a redis service cannot start',
      fix: 'apt-get update && apt-get install -y redis-server',
    });
  });
});
