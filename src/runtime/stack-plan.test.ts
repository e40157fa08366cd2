import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/scenario-loader.ts';
import { planStack, startOrder, type LinkRouter } from './stack-plan.ts';

const { scenario } = parseScenario(
  `name: plan
release: 1.4.0
services:
  bot:
    kind: bot
    env: { EXTRA: "\${links.bridge.control} \${ports.health}" }
  bridge:
    kind: bridge
    release: "0.100"
links:
  - { from: bot, to: bridge }
load: { executor: constant-arrival-rate, rate: 1, duration: 1s }
workload: { type: signal, bridge: bridge, bots: [bot], account: "+15550001111" }
`,
  'plan.yaml',
);

describe('planStack', () => {
  it('orders services after what they link to', () => {
    expect(startOrder(scenario)).toEqual(['bridge', 'bot']);
  });

  it('allocates ports and gives a bot the bridge addresses, its account, release and templates', async () => {
    const [bridge, bot] = await planStack(scenario, '/tmp/run');
    expect(bridge!.env).toMatchObject({ PORT: String(bridge!.ports.http!.port), DRILL_CONTROL_PORT: String(bridge!.ports.control!.port), DRILL_RELEASE: '0.100' });
    const http = `127.0.0.1:${bridge!.ports.http!.port}`;
    expect(bot!.env).toMatchObject({
      SIGNAL_SERVICE_URL: `ws://${http}`,
      SIGNAL_API_URL: `http://${http}`,
      SIGNAL_PHONE_NUMBER: '+15550001111',
      DRILL_RELEASE: '1.4.0',
      EXTRA: `127.0.0.1:${bridge!.ports.control!.port} ${bot!.ports.health!.port}`,
    });
    expect(bot!.readiness).toMatchObject({ port: 'health', path: '/live' });
    expect(bot!.dataDir).toBe('/tmp/run/services/bot');
  });

  it('routes a link through what the router returns (the fault proxy)', async () => {
    const router: LinkRouter = { route: async (link, target) => ({ ...target, port: 40_000 + (link.from === 'bot' ? 1 : 2) }) };
    const [, bot] = await planStack(scenario, '/tmp/run', router);
    expect(bot!.env.SIGNAL_API_URL).toBe('http://127.0.0.1:40001');
  });
});

describe('planStack with a redis service', () => {
  const { scenario: withRedis } = parseScenario(
    `name: plan-redis
release: 1.4.0
services:
  bridge: { kind: bridge, release: "0.100" }
  redis: { kind: redis, env: { REDIS_APPENDONLY: "yes" } }
  bot: { kind: bot, env: { STORAGE_TYPE: redis } }
links:
  - { from: bot, to: bridge }
  - { from: bot, to: redis }
load: { executor: constant-arrival-rate, rate: 1, duration: 1s }
workload: { type: signal, bridge: bridge, bots: [bot] }
`,
    'plan-redis.yaml',
  );

  it('starts redis-server (no fixture) with a PING probe, and gives a linked bot its host and port', async () => {
    const plans = await planStack(withRedis, '/tmp/run');
    const redis = plans.find((p) => p.name === 'redis')!;
    const bot = plans.find((p) => p.name === 'bot')!;
    expect(redis.source).toEqual({ type: 'server', server: 'redis' });
    expect(redis.readiness).toMatchObject({ port: 'redis', protocol: 'redis' });
    expect(redis.env).toMatchObject({ REDIS_APPENDONLY: 'yes', REDIS_SAVE: '' });
    expect(bot.env).toMatchObject({ STORAGE_TYPE: 'redis', REDIS_HOST: '127.0.0.1', REDIS_PORT: String(redis.ports.redis!.port) });
  });

  it('points the bot at the fault proxy when the redis link is routed through it', async () => {
    const router: LinkRouter = { route: async (link, target) => (link.to === 'redis' ? { ...target, port: 41_000 } : target) };
    const bot = (await planStack(withRedis, '/tmp/run', router)).find((p) => p.name === 'bot')!;
    expect(bot.env.REDIS_PORT).toBe('41000');
  });
});
