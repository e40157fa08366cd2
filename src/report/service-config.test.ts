import { describe, expect, it } from 'vitest';
import type { ServicePlan } from '../runtime/runtime.ts';
import { REDACTED, serviceConfig } from './service-config.ts';

const plan = (env: Record<string, string>): ServicePlan => ({
  name: 'bot',
  kind: 'bot',
  release: '1.4.0',
  source: { type: 'fixture', fixture: 'bot' },
  env,
  ports: { health: { name: 'health', protocol: 'tcp', host: '127.0.0.1', port: 31_234 } },
  readiness: undefined,
  stopTimeoutMs: 5_000,
  logFile: '/tmp/run-1/logs/bot.log',
  dataDir: '/tmp/run-1/services/bot',
});

describe('serviceConfig', () => {
  it('redacts secrets, writes per-run ports and folders as placeholders, keeps the rest', () => {
    const p = plan({ WAVRY_SIGNING_KEY: 'abc', DB_PASSWORD: 'x', HEALTH_PORT: '31234', SIGNAL_API_URL: 'http://127.0.0.1:40185', DATA: '/tmp/run-1/services/bot/db', WORKER_POOL_SIZE: '16', LOGS: '/tmp/run-1/logs' });
    const config = serviceConfig(p, [p]);
    expect(config.env).toEqual({
      DATA: '${dataDir}/db',
      DB_PASSWORD: REDACTED,
      HEALTH_PORT: '${port}',
      LOGS: '${runDir}/logs',
      SIGNAL_API_URL: 'http://127.0.0.1:${port}',
      WAVRY_SIGNING_KEY: REDACTED,
      WORKER_POOL_SIZE: '16',
    });
    expect(config.profile).toMatchObject({ handlerDelayMs: 0, duplicateReplyAfterRetry: false });
  });
});
