/**
 * Restart semantics of the master/relay pair: a master restart forgets admin-set Draining and the relay
 * re-registers after a 404 heartbeat; a master with an ephemeral key comes back with a new key, so leases it signs
 * are rejected as InvalidSignature by the running relay until that relay restarts.
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { FixtureListening, FlatSignal, MasterHealth, RelayCredentials, RelayHealth, RelayListEntry } from '../../src/wire/wavry.ts';
import { readV4PublicUnverified } from '../../fixtures/wavry-common/paseto-v4.ts';
import { PACKET_TYPE, decodeHeader, decodeLeaseReject, encodeLeasePresent } from '../../fixtures/wavry-common/relay-codec.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { startFixture, type FixtureProcess } from '../helpers/fixture-process.ts';
import { secretKeyHex } from '../../fixtures/master/signing-key.ts';

const SEED_HEX = 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7';
const ADMIN_TOKEN = 'admin-token-that-is-long-enough-0123456789';

const running: FixtureProcess[] = [];
const sockets: { close(): void }[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await Promise.all(running.splice(0).map((f) => f.stop()));
});

async function start(
  name: string,
  env: Record<string, string>,
): Promise<{ fixture: FixtureProcess; info: FixtureListening & Record<string, unknown> }> {
  const fixture = await startFixture(name, env);
  running.push(fixture);
  const info = JSON.parse(await fixture.waitForLine(/"event":"listening"/)) as FixtureListening & Record<string, unknown>;
  return { fixture, info };
}

const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined as T);
    if (value !== undefined && accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function within<T>(promise: Promise<T>, what: string, timeoutMs = 5_000): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing within ${timeoutMs} ms`)), timeoutMs)),
  ]);
}

/** Two peers bound on the master `/ws`; resolves with both RELAY_CREDENTIALS of one request. */
async function requestRelay(masterHttp: string): Promise<[RelayCredentials, RelayCredentials]> {
  const open = () =>
    new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://${masterHttp}/ws`, { origin: 'http://localhost:1420' });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
  const [a, b] = await Promise.all([open(), open()]);
  sockets.push({ close: () => a.terminate() }, { close: () => b.terminate() });
  const credentials = (socket: WebSocket) =>
    new Promise<RelayCredentials>((resolve) =>
      socket.on('message', (data) => {
        const message = JSON.parse(data.toString()) as FlatSignal;
        if (message.type === 'RELAY_CREDENTIALS') resolve(message);
      }),
    );
  const both = Promise.all([credentials(a), credentials(b)]);
  const suffix = randomUUID().slice(0, 8);
  // The master does not answer BIND; a pong after it shows the BIND was handled (frames are handled in order).
  const bind = (socket: WebSocket, token: string) =>
    new Promise<void>((resolve) => {
      socket.send(JSON.stringify({ type: 'BIND', token }));
      socket.once('pong', () => resolve());
      socket.ping();
    });
  await Promise.all([bind(a, `a${suffix}`), bind(b, `b${suffix}`)]);
  a.send(JSON.stringify({ type: 'REQUEST_RELAY', target_username: `user_b${suffix.slice(0, 7)}` }));
  return within(both, 'RELAY_CREDENTIALS');
}

/** Presents a lease from a fresh UDP socket with the role its claims name; resolves with "ack" or the reject reason. */
async function present(credentials: RelayCredentials): Promise<string> {
  const socket = dgram.createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const role = (JSON.parse(readV4PublicUnverified(credentials.token).toString()) as { role: 'client' | 'server' }).role;
  const [host, port] = credentials.addr.split(':') as [string, string];
  const reply = new Promise<Buffer>((resolve) => socket.once('message', resolve));
  socket.send(encodeLeasePresent(credentials.session_id, role, credentials.token), Number(port), host);
  const decoded = decodeHeader(await within(reply, 'relay reply to LEASE_PRESENT'));
  if (!decoded.ok) throw new Error('bad relay reply');
  return decoded.header.type === PACKET_TYPE.LeaseAck ? 'ack' : (decodeLeaseReject(decoded.payload) ?? 'unknown');
}

describe('master and relay restarts', () => {
  it('a restarted master forgets Draining; the relay re-registers after a 404 heartbeat', async () => {
    const masterEnv = {
      WAVRY_MASTER_LISTEN: `127.0.0.1:${await freePort()}`,
      WAVRY_MASTER_SIGNING_KEY: secretKeyHex(Buffer.from(SEED_HEX, 'hex')),
      ADMIN_PANEL_TOKEN: ADMIN_TOKEN,
      WAVRY_MASTER_HEARTBEAT_INTERVAL_MS: '150',
    };
    const first = await start('master', masterEnv);
    const base = `http://${first.info.http}`;
    const relay = await start('relay', {
      WAVRY_MASTER_URL: base,
      WAVRY_RELAY_LISTEN: '127.0.0.1:0',
      WAVRY_RELAY_HEALTH_LISTEN: '127.0.0.1:0',
    });
    const relayId = String(relay.info['relay_id']);
    const update = await fetch(`${base}/admin/api/relays/update_state`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ relay_id: relayId, new_state: 'Draining' }),
    });
    expect(update.status).toBe(200);
    await until(
      () => getJson<RelayListEntry[]>(`${base}/v1/relays`),
      (list) => list[0]?.state === 'Draining' && list[0].load_pct === 0,
      'draining',
    );

    // Freeze the relay across the restart so its next heartbeat meets the new master (a 404), not a refused connection.
    process.kill(relay.fixture.pid, 'SIGSTOP');
    await first.fixture.stop();
    await start('master', masterEnv);
    process.kill(relay.fixture.pid, 'SIGCONT');

    const list = await until(
      () => getJson<RelayListEntry[]>(`${base}/v1/relays`),
      (l) => l.length === 1,
      'relay back in the registry',
    );
    expect(list[0]).toMatchObject({ relay_id: relayId });
    expect(['New', 'Active']).toContain(list[0]!.state);
    await relay.fixture.waitForLine(/"event":"heartbeat_failed","status":404/, 5_000);
    // The relay logs its registration once the master's answer is in: the line can trail the registry by a moment.
    const registrations = await until(
      async () => relay.fixture.lines.filter((l) => /"event":"registered"/.test(l)),
      (lines) => lines.length >= 2,
      'second registration logged',
      5_000,
    );
    expect(registrations).toHaveLength(2);
    const health = await getJson<RelayHealth>(`http://${relay.info.health}/health`);
    expect(health.registered_with_master).toBe(true);
  });

  it('a key file provisions the master: created on first start (DRILL_MASTER_KEY_FILE_CREATE), the same key and kid after a restart', async () => {
    const keyFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'wavry-master-key-')), 'master.key');
    const env = { WAVRY_MASTER_LISTEN: '127.0.0.1:0', WAVRY_MASTER_KEY_FILE: keyFile, DRILL_MASTER_KEY_FILE_CREATE: '1' };
    const identity = async () => {
      const { fixture, info } = await start('master', env);
      const [wavryId, health] = await Promise.all([
        getJson<Record<string, string>>(`http://${info.http}/.well-known/wavry-id`),
        getJson<MasterHealth>(`http://${info.http}/health`),
      ]);
      await fixture.stop();
      return { key: wavryId['public_key'], kid: health.signing_key_id, provisioned: health.provisioned_signing_key };
    };
    const first = await identity();
    expect(first.provisioned).toBe(true);
    // Written (drill only) in the format the real master reads: the seed, then the public key, 64 bytes in hex.
    const written = readFileSync(keyFile, 'utf8').trim();
    expect(written).toMatch(/^[0-9a-f]{128}$/);
    expect(written.slice(64)).toBe(first.key);
    expect(await identity()).toEqual(first);
    rmSync(path.dirname(keyFile), { recursive: true, force: true });
  });

  it('an ephemeral-key master restart breaks new leases on the running relay until it restarts', async () => {
    const masterEnv = {
      WAVRY_MASTER_LISTEN: `127.0.0.1:${await freePort()}`,
      WAVRY_MASTER_HEARTBEAT_INTERVAL_MS: '150',
      WAVRY_MASTER_SWEEP_INTERVAL_SECS: '0.1',
      WAVRY_MASTER_STALE_SECS: '0.6',
    };
    const first = await start('master', masterEnv);
    const masterHttp = String(first.info.http);
    const relayEnv = {
      WAVRY_MASTER_URL: `http://${masterHttp}`,
      WAVRY_RELAY_LISTEN: '127.0.0.1:0',
      WAVRY_RELAY_HEALTH_LISTEN: '127.0.0.1:0',
    };
    const relay = await start('relay', relayEnv);
    const before = await getJson<MasterHealth>(`http://${masterHttp}/health`);
    expect(before).toMatchObject({ provisioned_signing_key: false, ready: false, relays_assignable: 1 });
    expect((await fetch(`http://${masterHttp}/ready`)).status).toBe(503);
    expect(await present((await requestRelay(masterHttp))[0])).toBe('ack');

    await first.fixture.stop();
    await start('master', masterEnv);
    await until(
      () => getJson<MasterHealth>(`http://${masterHttp}/health`),
      (h) => h.relays_assignable === 1,
      'relay re-registered',
    );
    const after = await getJson<MasterHealth>(`http://${masterHttp}/health`);
    expect(after.signing_key_id).not.toBe(before.signing_key_id);
    const [stale] = await requestRelay(masterHttp);
    expect(stale.relay_id).toBe(relay.info['relay_id']);
    expect(await present(stale)).toBe('InvalidSignature');

    await relay.fixture.stop();
    const restarted = await start('relay', relayEnv);
    await until(
      () => getJson<RelayListEntry[]>(`http://${masterHttp}/v1/relays`),
      (list) =>
        list
          .filter((r) => r.state !== 'Quarantined')
          .map((r) => r.relay_id)
          .join() === restarted.info['relay_id'],
      'only the new relay assignable',
    );
    const [fresh] = await requestRelay(masterHttp);
    expect(fresh.relay_id).toBe(restarted.info['relay_id']);
    expect(await present(fresh)).toBe('ack');
  });
});
