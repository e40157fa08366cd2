/**
 * The relay's calls to the master have no timeout in 0.0.5 (reqwest's default client): a master that accepts the
 * heartbeat and never answers stalls the heartbeat loop for good while `registered_with_master` keeps its last
 * value. Release 0.1.0 gives each call 5 s, so the same stall turns into failures. The master here is a test
 * server that registers the relay normally and then holds every heartbeat open.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FixtureListening, RelayHealth } from '../../src/wire/wavry.ts';
import { randomKeyPair } from '../../fixtures/wavry-common/ed25519-keys.ts';
import { startFixture } from '../helpers/fixture-process.ts';

const keys = randomKeyPair();

/** Answers register; keeps every heartbeat request open (counted) until the server closes. */
async function stallingMaster(): Promise<{ url: string; heartbeats: () => number; close: () => Promise<void> }> {
  let heartbeats = 0;
  const held: ServerResponse[] = [];
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    if (req.url === '/v1/relays/register') {
      const body = JSON.stringify({ heartbeat_interval_ms: 500, master_public_key: [...keys.publicKeyRaw], master_key_id: 'kstall' });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    } else {
      heartbeats += 1;
      held.push(res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    heartbeats: () => heartbeats,
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

async function relayAgainst(release: string) {
  const master = await stallingMaster();
  stops.push(master.close);
  const relay = await startFixture('relay', {
    DRILL_RELEASE: release,
    WAVRY_MASTER_URL: master.url,
    WAVRY_RELAY_LISTEN: '127.0.0.1:0',
    WAVRY_RELAY_HEALTH_LISTEN: '127.0.0.1:0',
  });
  stops.push(() => relay.stop());
  const info = JSON.parse(await relay.waitForLine(/"event":"listening"/)) as FixtureListening;
  const health = async () => (await (await fetch(`http://${info.health!}/health`)).json()) as RelayHealth;
  return { master, health };
}

describe('relay → master calls', () => {
  it('0.0.5: a master that never answers stalls the heartbeats; registered_with_master stays true', async () => {
    const { master, health } = await relayAgainst('0.0.5');
    await new Promise((r) => setTimeout(r, 6_500));
    // Heartbeats every 500 ms would be 13 by now; the first one never returned, so there is no second.
    expect(master.heartbeats()).toBe(1);
    expect((await health()).registered_with_master).toBe(true);
  });

  it('0.1.0: the same stall times out after 5 s and the relay reports itself unregistered', async () => {
    const { master, health } = await relayAgainst('0.1.0');
    // First heartbeat at 0.5 s, given up at 5.5 s, the next one 0.5 s later (and held again).
    await new Promise((r) => setTimeout(r, 7_500));
    expect(master.heartbeats()).toBeGreaterThanOrEqual(2);
    expect((await health()).registered_with_master).toBe(false);
  });
});
