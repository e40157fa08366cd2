/**
 * The whole Wavry stack as real processes. The test is the client: it signals over the gateway, then sends inputs
 * and pings directly or through a relay and checks the echoed frames and pongs.
 * - The documented target design (gateway and relayed host at release 0.1.0): the gateway asks the master for
 *   relays and the host presents its own lease, with the master's lease roles of 0.0.5 (requester = server) and
 *   0.1.0 (requester = client).
 * - v0.0.5 as it is: the gateway grants its embedded relay and the host presents nothing, so the relay ACKs the
 *   viewer and forwards nothing.
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type {
  FixtureListening,
  GatewayAuthResponse,
  GatewayHealth,
  HostHealth,
  LeaseClaims,
  MasterHealth,
  MediaPacket,
  RelayCredentials,
  RiftHelloAck,
} from '../../src/wire/wavry.ts';
import { keyPairFromSeed } from '../../fixtures/wavry-common/ed25519-keys.ts';
import { decodeMedia, encodeMedia } from '../../fixtures/wavry-common/media-packet.ts';
import { verifyV4Public } from '../../fixtures/wavry-common/paseto-v4.ts';
import { PACKET_TYPE, decodeHeader, encodeLeasePresent, encodePacket } from '../../fixtures/wavry-common/relay-codec.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { startFixture, type FixtureProcess } from '../helpers/fixture-process.ts';
import { secretKeyHex } from '../../fixtures/master/signing-key.ts';

const SEED_HEX = '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42';
const masterKeys = keyPairFromSeed(Buffer.from(SEED_HEX, 'hex'));
type Frame = { type: string; payload?: Record<string, string> };

async function start(
  name: string,
  env: Record<string, string>,
): Promise<{ fixture: FixtureProcess; info: FixtureListening & Record<string, unknown> }> {
  const fixture = await startFixture(name, env);
  return { fixture, info: JSON.parse(await fixture.waitForLine(/"event":"listening"/)) as FixtureListening & Record<string, unknown> };
}

const getJson = async <T>(url: string) => (await (await fetch(url)).json()) as T;

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Queue of everything one socket (websocket or UDP) received. */
class Inbox<T> {
  private readonly queue: T[] = [];
  private readonly waiters: ((item: T) => void)[] = [];
  push(item: T): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.queue.push(item);
  }
  next(what: string, timeoutMs = 5_000): Promise<T> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (item: T) => {
        clearTimeout(timer);
        resolve(item);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

describe('Wavry session through the stack, target design (0.1.0 gateway and host)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wavry-session-test-'));
  const processes: FixtureProcess[] = [];
  let masterEnv: Record<string, string>;
  let master: FixtureProcess;
  let masterHttp: string;
  let relay: { udp: string; relayId: string };
  let gatewayBase: string;
  let hosts: Record<'direct' | 'relayed', { health: string; udp: string }>;
  let signal: WebSocket;
  const signals = new Inbox<Frame>();
  let udp: dgram.Socket;
  const datagrams = new Inbox<Buffer>();

  beforeAll(async () => {
    masterEnv = {
      WAVRY_MASTER_LISTEN: `127.0.0.1:${await freePort()}`,
      WAVRY_MASTER_SIGNING_KEY: secretKeyHex(Buffer.from(SEED_HEX, 'hex')),
      WAVRY_MASTER_HEARTBEAT_INTERVAL_MS: '150',
    };
    const m = await start('master', masterEnv);
    master = m.fixture;
    masterHttp = `http://${m.info.http}`;
    const [r, g] = await Promise.all([
      start('relay', { WAVRY_MASTER_URL: masterHttp, WAVRY_RELAY_LISTEN: '127.0.0.1:0', WAVRY_RELAY_HEALTH_LISTEN: '127.0.0.1:0' }),
      start('gateway', {
        WAVRY_GATEWAY_BIND_ADDR: '127.0.0.1:0',
        WAVRY_GATEWAY_DB: path.join(dir, 'gateway.db'),
        WAVRY_MASTER_URL: masterHttp,
        WAVRY_WS_ALLOW_MISSING_ORIGIN: '1',
        DRILL_RELEASE: '0.1.0',
      }),
    ]);
    processes.push(r.fixture, g.fixture);
    relay = { udp: String(r.info.udp), relayId: String(r.info['relay_id']) };
    gatewayBase = `http://${g.info.http}`;
    const hostEnv = (username: string, extra: Record<string, string> = {}) => ({
      WAVRY_GATEWAY_URL: `ws://${g.info.http}/ws`,
      WAVRY_LISTEN_ADDR: '127.0.0.1:0',
      WAVRY_HOST_HEALTH_LISTEN: '127.0.0.1:0',
      WAVRY_HOST_USERNAME: username,
      WAVRY_HOST_PASSWORD: 'host-password-long-enough',
      ...extra,
    });
    const [direct, relayed] = await Promise.all([
      start('host', hostEnv('host-direct')),
      start('host', hostEnv('host-relayed', { WAVRY_HOST_ADVERTISE_DIRECT: '0', DRILL_RELEASE: '0.1.0' })),
    ]);
    processes.push(direct.fixture, relayed.fixture);
    hosts = {
      direct: { health: String(direct.info.health), udp: String(direct.info.udp) },
      relayed: { health: String(relayed.info.health), udp: String(relayed.info.udp) },
    };
    for (const host of Object.values(hosts)) {
      await until(
        () => getJson<HostHealth>(`http://${host.health}/health`),
        (h) => h.bound,
        'host bound',
      );
    }

    const registered = await fetch(`${gatewayBase}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'viewer@example.test',
        password: 'viewer-password-long',
        display_name: 'Viewer',
        username: 'viewer',
        public_key: 'cd'.repeat(32),
      }),
    });
    const { token } = (await registered.json()) as GatewayAuthResponse;
    signal = new WebSocket(`ws://${g.info.http}/ws`, { origin: 'http://localhost:1420' });
    signal.on('message', (data) => signals.push(JSON.parse(data.toString()) as Frame));
    await new Promise((resolve) => signal.once('open', resolve));
    signal.send(JSON.stringify({ type: 'Bind', payload: { token } }));
    expect(await signals.next('Bound')).toEqual({ type: 'Bound' });
    udp = dgram.createSocket('udp4');
    udp.on('message', (packet) => datagrams.push(packet));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    signal?.terminate();
    udp?.close();
    await Promise.all([master, ...processes].map((p) => p?.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const send = (to: string, bytes: Buffer) => {
    const [host, port] = to.split(':') as [string, string];
    udp.send(bytes, Number(port), host);
  };

  async function offer(target: string): Promise<RiftHelloAck> {
    const hello = Buffer.from(JSON.stringify({ client_name: 'drill-viewer' })).toString('base64');
    signal.send(JSON.stringify({ type: 'OFFER_RIFT', payload: { target_username: target, hello_base64: hello } }));
    const answer = await signals.next('ANSWER_RIFT');
    expect(answer).toMatchObject({ type: 'ANSWER_RIFT', payload: { target_username: target } });
    return JSON.parse(Buffer.from(answer.payload!['ack_base64']!, 'base64').toString()) as RiftHelloAck;
  }

  const input: MediaPacket = { sequence: 1, kind: 'Input', sentAtMs: 1234.5, paddingBytes: 64 };
  const ping: MediaPacket = { sequence: 2, kind: 'Ping', sentAtMs: 1300.25, paddingBytes: 0 };

  it('goes direct when the host advertises its address, and the host echoes frames and pongs', async () => {
    const ack = await offer('host-direct');
    expect(ack).toMatchObject({ accepted: true, public_addr: hosts.direct.udp });
    send(ack.public_addr!, Buffer.alloc(1));
    send(ack.public_addr!, encodeMedia(input));
    send(ack.public_addr!, encodeMedia(ping));
    expect(decodeMedia(await datagrams.next('frame'))).toEqual({ ...input, kind: 'Frame', paddingBytes: 0 });
    expect(decodeMedia(await datagrams.next('pong'))).toEqual({ ...ping, kind: 'Pong' });
    const health = await getJson<HostHealth>(`http://${hosts.direct.health}/health`);
    expect(health.counters).toMatchObject({
      direct_packets: 2,
      inputs_received: 1,
      frames_presented: 1,
      pings_answered: 1,
      relay_packets: 0,
    });
  });

  async function relayedSession(expectedRole: 'client' | 'server'): Promise<void> {
    const before = await getJson<HostHealth>(`http://${hosts.relayed.health}/health`);
    const ack = await offer('host-relayed');
    expect(ack.public_addr).toBeUndefined();
    signal.send(JSON.stringify({ type: 'REQUEST_RELAY', payload: { target_username: 'host-relayed' } }));
    const credentials = await signals.next('RELAY_CREDENTIALS');
    expect(credentials).toMatchObject({ type: 'RELAY_CREDENTIALS', payload: { relay_id: relay.relayId, addr: relay.udp } });
    const grant = credentials.payload as unknown as Omit<RelayCredentials, 'type'>;
    const claims = JSON.parse(verifyV4Public(grant.token, masterKeys.publicKey).message.toString()) as LeaseClaims;
    expect(claims).toMatchObject({ role: expectedRole, rid: relay.relayId, sid: grant.session_id });

    send(grant.addr, encodeLeasePresent(grant.session_id, claims.role, grant.token));
    const reply = decodeHeader(await datagrams.next('LEASE_ACK'));
    expect(reply.ok && reply.header.type).toBe(PACKET_TYPE.LeaseAck);
    await until(
      () => getJson<HostHealth>(`http://${hosts.relayed.health}/health`),
      (h) => h.counters.lease_acks > before.counters.lease_acks,
      'host joined the relay session',
    );
    send(grant.addr, encodePacket(PACKET_TYPE.Forward, grant.session_id, encodeMedia(input)));
    send(grant.addr, encodePacket(PACKET_TYPE.Forward, grant.session_id, encodeMedia(ping)));
    for (const expected of [
      { ...input, kind: 'Frame', paddingBytes: 0 },
      { ...ping, kind: 'Pong' },
    ]) {
      const decoded = decodeHeader(await datagrams.next(`${expected.kind} via relay`));
      if (!decoded.ok) throw new Error('bad relay packet');
      expect(decoded.header).toMatchObject({ type: PACKET_TYPE.Forward, sessionId: grant.session_id });
      expect(decodeMedia(decoded.payload)).toEqual(expected);
    }
    const after = await getJson<HostHealth>(`http://${hosts.relayed.health}/health`);
    expect(after.counters.relay_packets - before.counters.relay_packets).toBe(2);
    expect(after.counters.frames_presented - before.counters.frames_presented).toBe(1);
  }

  it('falls back to the relay with master leases: requester = server, host = client (0.0.5)', async () => {
    await relayedSession('server');
  });

  it('after a master restart into release 0.1.0 the roles swap and the session still runs', async () => {
    await master.stop();
    master = (await start('master', { ...masterEnv, DRILL_RELEASE: '0.1.0' })).fixture;
    await until(
      () => getJson<MasterHealth>(`${masterHttp}/health`),
      (h) => h.relays_assignable === 1,
      'relay re-registered',
    );
    await relayedSession('client');
    const tally = (await getJson<GatewayHealth>(`${gatewayBase}/health`)).signal_dialects;
    expect(tally).toMatchObject({ adjacent: 3, flat: 0, rejected: 0 });
  });
});

describe('Wavry relayed session at 0.0.5: the embedded relay ACKs the viewer, the host never joins', () => {
  it('grants embedded credentials (no relay_id), ACKs the viewer and forwards nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wavry-session-005-'));
    const relayPort = await freePort('udp');
    await using gateway = await startFixture('gateway', {
      WAVRY_GATEWAY_BIND_ADDR: '127.0.0.1:0',
      WAVRY_GATEWAY_DB: path.join(dir, 'gateway.db'),
      WAVRY_WS_ALLOW_MISSING_ORIGIN: '1',
      WAVRY_GATEWAY_RELAY_BIND_ADDR: `127.0.0.1:${relayPort}`,
      WAVRY_RELAY_PUBLIC_ADDR: `127.0.0.1:${relayPort}`,
    });
    const g = JSON.parse(await gateway.waitForLine(/"event":"listening"/)) as FixtureListening & Record<string, unknown>;
    expect(g['relay_mode']).toBe('embedded');
    const hostStarted = await start('host', {
      WAVRY_GATEWAY_URL: `ws://${g.http}/ws`,
      WAVRY_LISTEN_ADDR: '127.0.0.1:0',
      WAVRY_HOST_HEALTH_LISTEN: '127.0.0.1:0',
      WAVRY_HOST_USERNAME: 'host-nat',
      WAVRY_HOST_PASSWORD: 'host-password-long-enough',
      WAVRY_HOST_ADVERTISE_DIRECT: '0',
    });
    await using _host = hostStarted.fixture;
    const hostHealth = `http://${String(hostStarted.info.health)}/health`;
    await until(() => getJson<HostHealth>(hostHealth), (h) => h.bound, 'host bound');
    const registered = await fetch(`http://${g.http}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'v5@example.test', password: 'viewer-password-long', display_name: 'V', username: 'viewer5', public_key: 'cd'.repeat(32) }),
    });
    const { token } = (await registered.json()) as GatewayAuthResponse;
    const frames = new Inbox<Frame>();
    const ws = new WebSocket(`ws://${g.http}/ws`);
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
    await new Promise((resolve) => ws.once('open', resolve));
    const viewer = dgram.createSocket('udp4');
    const datagrams = new Inbox<Buffer>();
    viewer.on('message', (packet) => datagrams.push(packet));
    await new Promise<void>((resolve) => viewer.bind(0, '127.0.0.1', resolve));
    try {
      ws.send(JSON.stringify({ type: 'Bind', payload: { token } }));
      expect(await frames.next('Bound')).toEqual({ type: 'Bound' });
      ws.send(JSON.stringify({ type: 'REQUEST_RELAY', payload: { target_username: 'host-nat' } }));
      const credentials = await frames.next('RELAY_CREDENTIALS');
      const grant = credentials.payload as unknown as Omit<RelayCredentials, 'type'>;
      expect(grant.relay_id).toBeUndefined();
      const [relayHost, relayPort] = grant.addr.split(':') as [string, string];
      viewer.send(encodeLeasePresent(grant.session_id, 'client', grant.token), Number(relayPort), relayHost);
      const ack = decodeHeader(await datagrams.next('LEASE_ACK'));
      expect(ack.ok && ack.header.type).toBe(PACKET_TYPE.LeaseAck);
      await until(() => getJson<HostHealth>(hostHealth), (h) => h.counters.relay_credentials === 1, 'host got the credentials');
      viewer.send(encodePacket(PACKET_TYPE.Forward, grant.session_id, encodeMedia(input005)), Number(relayPort), relayHost);
      await expect(datagrams.next('echo', 1_000)).rejects.toThrow('no echo');
      expect((await getJson<HostHealth>(hostHealth)).counters).toMatchObject({ lease_acks: 0, relay_packets: 0 });
    } finally {
      ws.terminate();
      viewer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const input005: MediaPacket = { sequence: 1, kind: 'Input', sentAtMs: 1, paddingBytes: 0 };
