/**
 * The relay fixture against a real master: every LEASE_REJECT code, the silent drops, a session from both roles
 * with FORWARD in both directions, replay and NAT rebind handling, and the metrics that count all of it.
 * Leases are signed here with the master's provisioned key, so each claim can be bent on purpose.
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FixtureListening, LeaseClaims, LeaseRole, RelayCounters, RelayHealth } from '../../src/wire/wavry.ts';
import { keyPairFromSeed, randomKeyPair, type Ed25519KeyPair } from '../../fixtures/wavry-common/ed25519-keys.ts';
import { signV4Public } from '../../fixtures/wavry-common/paseto-v4.ts';
import {
  PACKET_TYPE,
  decodeHeader,
  decodeLeaseAck,
  decodeLeaseReject,
  encodeLeasePresent,
  encodePacket,
} from '../../fixtures/wavry-common/relay-codec.ts';
import { startFixture, type FixtureProcess } from '../helpers/fixture-process.ts';
import { secretKeyHex } from '../../fixtures/master/signing-key.ts';

const SEED_HEX = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const KEY_ID = 'kdrill-relay-test';
const masterKeys = keyPairFromSeed(Buffer.from(SEED_HEX, 'hex'));

async function startListening(
  name: string,
  env: Record<string, string>,
): Promise<{ fixture: FixtureProcess; info: FixtureListening & Record<string, unknown> }> {
  const fixture = await startFixture(name, env);
  const line = await fixture.waitForLine(/"event":"listening"/);
  return { fixture, info: JSON.parse(line) as FixtureListening & Record<string, unknown> };
}

/** A UDP socket on 127.0.0.1 with a receive queue. */
class UdpPeer {
  private readonly queue: Buffer[] = [];
  private readonly waiters: ((packet: Buffer) => void)[] = [];
  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (packet) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(packet);
      else this.queue.push(packet);
    });
  }
  static open(): Promise<UdpPeer> {
    const socket = dgram.createSocket('udp4');
    return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(new UdpPeer(socket))));
  }
  send(packet: Buffer, to: string): void {
    const [host, port] = to.split(':') as [string, string];
    this.socket.send(packet, Number(port), host);
  }
  next(timeoutMs = 3_000): Promise<Buffer> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (packet: Buffer) => {
        clearTimeout(timer);
        resolve(packet);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no UDP packet within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
  /** The next packet, read as a lease reply: `ack`, or the reject reason name. */
  async reply(): Promise<{ sessionId: string; outcome: string }> {
    const decoded = decodeHeader(await this.next());
    if (!decoded.ok) throw new Error(`bad relay reply: ${decoded.problem}`);
    const { header, payload } = decoded;
    if (header.type === PACKET_TYPE.LeaseAck) return { sessionId: header.sessionId, outcome: 'ack' };
    if (header.type === PACKET_TYPE.LeaseReject) return { sessionId: header.sessionId, outcome: decodeLeaseReject(payload) ?? 'unknown' };
    return { sessionId: header.sessionId, outcome: `type ${header.type}` };
  }
  close(): void {
    this.socket.close();
  }
}

function lease(
  relayId: string,
  sessionId: string,
  role: LeaseRole,
  overrides: Partial<LeaseClaims> = {},
  keys: Ed25519KeyPair = masterKeys,
): string {
  const now = Date.now();
  const claims: LeaseClaims = {
    iat: new Date(now).toISOString(),
    nbf: new Date(now).toISOString(),
    exp: new Date(now + 3_600_000).toISOString(),
    sub: `user_${role}`,
    wavry_id: `user_${role}`,
    sid: sessionId,
    role,
    rid: relayId,
    kid: KEY_ID,
    iat_rfc3339: new Date(now).toISOString(),
    nbf_rfc3339: new Date(now - 5_000).toISOString(),
    exp_rfc3339: new Date(now + 900_000).toISOString(),
    slimit: 50_000,
    hlimit: 100_000,
    ...overrides,
  };
  return signV4Public(JSON.stringify(claims), keys.privateKey);
}

const forward = (sessionId: string, sequence: number, body = 'x') => {
  const payload = Buffer.alloc(8 + body.length);
  payload.writeBigUInt64BE(BigInt(sequence));
  payload.write(body, 8);
  return encodePacket(PACKET_TYPE.Forward, sessionId, payload);
};

async function counters(health: string): Promise<RelayCounters> {
  return ((await (await fetch(`http://${health}/health`)).json()) as RelayHealth).metrics;
}

describe('relay fixture', () => {
  let master: FixtureProcess;
  let main: { fixture: FixtureProcess; udp: string; health: string; relayId: string };
  let limited: { fixture: FixtureProcess; udp: string; health: string; relayId: string };
  const peers: UdpPeer[] = [];
  const peer = async () => {
    const opened = await UdpPeer.open();
    peers.push(opened);
    return opened;
  };

  beforeAll(async () => {
    const started = await startListening('master', {
      WAVRY_MASTER_LISTEN: '127.0.0.1:0',
      WAVRY_MASTER_SIGNING_KEY: secretKeyHex(Buffer.from(SEED_HEX, 'hex')),
      WAVRY_MASTER_KEY_ID: KEY_ID,
      WAVRY_MASTER_RELAY_AUTH_TOKEN: 'relay-service-token',
    });
    master = started.fixture;
    const relayEnv = {
      WAVRY_MASTER_URL: `http://${started.info.http}`,
      WAVRY_RELAY_MASTER_TOKEN: 'relay-service-token',
      WAVRY_RELAY_LISTEN: '127.0.0.1:0',
      WAVRY_RELAY_HEALTH_LISTEN: '127.0.0.1:0',
    };
    const [a, b] = await Promise.all([
      startListening('relay', relayEnv),
      startListening('relay', {
        ...relayEnv,
        WAVRY_RELAY_MAX_SESSIONS: '4',
        WAVRY_RELAY_LOAD_SHED_THRESHOLD_PCT: '50',
        WAVRY_RELAY_IP_RATE_LIMIT_PPS: '40',
        WAVRY_RELAY_IDENTITY_RATE_LIMIT_PPS: '3',
      }),
    ]);
    const describeRelay = (r: typeof a) => ({
      fixture: r.fixture,
      udp: r.info.udp!,
      health: r.info.health!,
      relayId: String(r.info['relay_id']),
    });
    main = describeRelay(a);
    limited = describeRelay(b);
  });

  afterAll(async () => {
    for (const p of peers) p.close();
    await Promise.all([main?.fixture.stop(), limited?.fixture.stop(), master?.stop()]);
  });

  it('registers with the master and reports itself healthy and ready', async () => {
    const health = (await (await fetch(`http://${main.health}/health`)).json()) as RelayHealth;
    expect(health).toMatchObject({
      relay_id: main.relayId,
      status: 'ok',
      ready: true,
      has_master_key: true,
      registered_with_master: true,
      max_sessions: 100,
    });
    expect((await fetch(`http://${main.health}/ready`)).status).toBe(200);
  });

  it('joins both roles and forwards in both directions, dropping replays and following a NAT rebind', async () => {
    const [client, server] = [await peer(), await peer()];
    const sessionId = randomUUID();
    client.send(encodeLeasePresent(sessionId, 'client', lease(main.relayId, sessionId, 'client')), main.udp);
    const ack = decodeHeader(await client.next());
    expect(ack.ok && ack.header.type).toBe(PACKET_TYPE.LeaseAck);
    const ackBody = ack.ok ? decodeLeaseAck(ack.payload) : undefined;
    expect(ackBody).toMatchObject({ softLimitKbps: 50_000, hardLimitKbps: 100_000 });
    expect(ackBody!.expiresAtMs).toBeGreaterThan(Date.now() + 250_000);

    client.send(forward(sessionId, 1), main.udp);
    server.send(encodeLeasePresent(sessionId, 'server', lease(main.relayId, sessionId, 'server')), main.udp);
    expect((await server.reply()).outcome).toBe('ack');

    client.send(forward(sessionId, 2, 'input'), main.udp);
    const relayed = await server.next();
    expect(relayed.equals(forward(sessionId, 2, 'input'))).toBe(true);
    server.send(forward(sessionId, 7, 'frame'), main.udp);
    expect((await client.next()).equals(forward(sessionId, 7, 'frame'))).toBe(true);

    const before = await counters(main.health);
    client.send(forward(sessionId, 2, 'replayed'), main.udp);
    client.send(forward(sessionId, 3, 'fresh'), main.udp);
    expect((await server.next()).subarray(28).toString()).toBe('fresh');

    const moved = await peer();
    moved.send(encodeLeasePresent(sessionId, 'client', lease(main.relayId, sessionId, 'client')), main.udp);
    expect((await moved.reply()).outcome).toBe('ack');
    server.send(forward(sessionId, 8, 'to-new-address'), main.udp);
    expect((await moved.next()).subarray(28).toString()).toBe('to-new-address');

    const after = await counters(main.health);
    expect(after.replay_dropped_packets - before.replay_dropped_packets).toBe(1);
    expect(after.nat_rebind_events - before.nat_rebind_events).toBe(1);
    const health = (await (await fetch(`http://${main.health}/health`)).json()) as RelayHealth;
    expect(health.active_sessions).toBeGreaterThanOrEqual(1);
  });

  it('answers each lease problem with its reject code', async () => {
    const p = await peer();
    const present = (role: LeaseRole, token: string, sessionId = randomUUID()) => {
      p.send(encodeLeasePresent(sessionId, role, token), main.udp);
      return p.reply();
    };
    const sid = () => randomUUID();
    const before = await counters(main.health);
    let s = sid();
    expect((await present('client', lease(main.relayId, s, 'client', {}, randomKeyPair()), s)).outcome).toBe('InvalidSignature');
    s = sid();
    expect((await present('server', lease(main.relayId, s, 'client'), s)).outcome).toBe('InvalidSignature');
    s = sid();
    expect((await present('client', lease(main.relayId, s, 'client', { kid: 'k-rotated' }), s)).outcome).toBe('InvalidSignature');
    s = sid();
    expect((await present('client', lease(randomUUID(), s, 'client'), s)).outcome).toBe('WrongRelay');
    s = sid();
    const expired = { exp_rfc3339: new Date(Date.now() - 60_000).toISOString(), iat_rfc3339: new Date(Date.now() - 120_000).toISOString() };
    expect((await present('client', lease(main.relayId, s, 'client', expired), s)).outcome).toBe('Expired');
    const unknown = randomUUID();
    p.send(encodePacket(PACKET_TYPE.LeaseRenew, unknown), main.udp);
    expect(await p.reply()).toEqual({ sessionId: unknown, outcome: 'Expired' });

    const after = await counters(main.health);
    // As record_packet_error counts: signature, role and kid rejects and the expiry all add auth_reject_packets; a
    // renew for an unknown session is session_not_found (its Expired answer is no expired lease); each adds a drop.
    expect(after.auth_reject_packets - before.auth_reject_packets).toBe(4);
    expect(after.invalid_packets - before.invalid_packets).toBe(0);
    expect(after.wrong_relay_rejects - before.wrong_relay_rejects).toBe(1);
    expect(after.expired_lease_rejects - before.expired_lease_rejects).toBe(1);
    expect(after.session_not_found_packets - before.session_not_found_packets).toBe(1);
    expect(after.dropped_packets - before.dropped_packets).toBe(6);
  });

  it('checks the registered iat/nbf/exp claims as pasetors does: missing ones are an InvalidSignature', async () => {
    const p = await peer();
    const s = randomUUID();
    const now = Date.now();
    const bare = { sub: 'user_bare', sid: s, role: 'client', rid: main.relayId, kid: KEY_ID, exp_rfc3339: new Date(now + 900_000).toISOString() };
    p.send(encodeLeasePresent(s, 'client', signV4Public(JSON.stringify(bare), masterKeys.privateKey)), main.udp);
    expect((await p.reply()).outcome).toBe('InvalidSignature');
    // Registered exp past: pasetors refuses it even though the master's exp_rfc3339 is still ahead.
    const stale = { exp: new Date(now - 1_000).toISOString() };
    p.send(encodeLeasePresent(s, 'client', lease(main.relayId, s, 'client', stale)), main.udp);
    expect((await p.reply()).outcome).toBe('InvalidSignature');
    p.send(encodeLeasePresent(s, 'client', lease(main.relayId, s, 'client')), main.udp);
    expect((await p.reply()).outcome).toBe('ack');
  });

  it('drops leases whose claims it cannot read (no sub) without answering', async () => {
    const p = await peer();
    const before = await counters(main.health);
    const s = randomUUID();
    const claims = JSON.parse(Buffer.from(lease(main.relayId, s, 'client').slice(10), 'base64url').subarray(0, -64).toString()) as Record<string, unknown>;
    delete claims['sub'];
    p.send(encodeLeasePresent(s, 'client', signV4Public(JSON.stringify(claims), masterKeys.privateKey)), main.udp);
    const probe = randomUUID();
    p.send(encodePacket(PACKET_TYPE.LeaseRenew, probe), main.udp);
    expect(await p.reply()).toEqual({ sessionId: probe, outcome: 'Expired' });
    const after = await counters(main.health);
    expect(after.invalid_packets - before.invalid_packets).toBe(1);
    expect(after.auth_reject_packets - before.auth_reject_packets).toBe(0);
  });

  it('drops sid mismatches, future nbf and leases beyond the 1 h horizon without answering', async () => {
    const p = await peer();
    const before = await counters(main.health);
    const s = randomUUID();
    p.send(encodeLeasePresent(s, 'client', lease(main.relayId, randomUUID(), 'client')), main.udp);
    p.send(
      encodeLeasePresent(s, 'client', lease(main.relayId, s, 'client', { nbf_rfc3339: new Date(Date.now() + 120_000).toISOString() })),
      main.udp,
    );
    p.send(
      encodeLeasePresent(s, 'client', lease(main.relayId, s, 'client', { exp_rfc3339: new Date(Date.now() + 7_200_000).toISOString() })),
      main.udp,
    );
    // UDP on loopback keeps order from one socket, so the first answer must be the one to this probe.
    const probe = randomUUID();
    p.send(encodePacket(PACKET_TYPE.LeaseRenew, probe), main.udp);
    expect(await p.reply()).toEqual({ sessionId: probe, outcome: 'Expired' });
    const after = await counters(main.health);
    expect(after.invalid_packets - before.invalid_packets).toBe(3);
    expect(after.lease_present_packets - before.lease_present_packets).toBe(3);
  });

  it('rate-limits per identity and per IP and sheds new sessions at the threshold', async () => {
    const p = await peer();
    const s1 = randomUUID();
    const token = lease(limited.relayId, s1, 'client', { sub: 'user_burst' });
    for (let i = 0; i < 10; i += 1) p.send(encodeLeasePresent(s1, 'client', token), limited.udp);
    const burst = await Promise.all(Array.from({ length: 10 }, () => p.reply()));
    expect(burst.map((r) => r.outcome)).toContain('RateLimited');

    const s2 = randomUUID();
    p.send(encodeLeasePresent(s2, 'client', lease(limited.relayId, s2, 'client', { sub: 'user_second' })), limited.udp);
    expect((await p.reply()).outcome).toBe('ack');
    const s3 = randomUUID();
    p.send(encodeLeasePresent(s3, 'client', lease(limited.relayId, s3, 'client', { sub: 'user_third' })), limited.udp);
    expect(await p.reply()).toEqual({ sessionId: s3, outcome: 'SessionFull' });
    expect((await fetch(`http://${limited.health}/ready`)).status).toBe(503);

    const flood = randomUUID();
    for (let i = 0; i < 100; i += 1) p.send(encodePacket(PACKET_TYPE.LeaseRenew, flood), limited.udp);
    const replies = await Promise.all(Array.from({ length: 100 }, () => p.reply()));
    expect(replies.map((r) => r.outcome)).toContain('RateLimited');

    const after = await counters(limited.health);
    expect(after.identity_rate_limited_packets).toBeGreaterThanOrEqual(1);
    // Load shedding counts overload_shed only; session_full_rejects is for a full pool past the shed threshold.
    expect(after.overload_shed_packets).toBe(1);
    expect(after.session_full_rejects).toBe(0);
    expect(after.rate_limited_packets).toBeGreaterThanOrEqual(1);
  });

  it('judges the hard limit on the last full second and counts what it drops as rate_limited', async () => {
    const [client, server] = [await peer(), await peer()];
    const s = randomUUID();
    // hlimit 0 → the floor, soft 1000 kbps: 125 kB/s.
    client.send(encodeLeasePresent(s, 'client', lease(main.relayId, s, 'client', { sub: 'user_fast', slimit: 0, hlimit: 0 })), main.udp);
    server.send(encodeLeasePresent(s, 'server', lease(main.relayId, s, 'server', { sub: 'user_fast_host', slimit: 0, hlimit: 0 })), main.udp);
    expect([(await client.reply()).outcome, (await server.reply()).outcome]).toEqual(['ack', 'ack']);
    const before = await counters(main.health);
    // Paced (10 every 20 ms) so the relay's socket buffer never overflows: what is lost is lost to the limit only.
    for (let i = 1; i <= 200; i += 1) {
      client.send(forward(s, i, 'x'.repeat(1_300)), main.udp);
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 1_100));
    client.send(forward(s, 1_000, 'late'), main.udp);
    await new Promise((r) => setTimeout(r, 200));
    const after = await counters(main.health);
    // The burst (260 kB in well under 1.5 s: over 1.3 Mbit/s for the window) passed in full; the next window is refused.
    expect(after.packets_forwarded - before.packets_forwarded).toBe(200);
    expect(after.rate_limited_packets - before.rate_limited_packets).toBe(1);
    expect(after.backpressure_dropped_packets - before.backpressure_dropped_packets).toBe(0);
  });

  it('exports every counter to Prometheus with the relay_id label', async () => {
    const text = await (await fetch(`http://${main.health}/metrics/prometheus`)).text();
    for (const name of [
      'packets_rx',
      'auth_reject_packets',
      'wrong_relay_rejects',
      'replay_dropped_packets',
      'nat_rebind_events',
      'active_sessions',
      'uptime_seconds',
    ]) {
      expect(text).toMatch(new RegExp(`^wavry_relay_${name}\\{relay_id="${main.relayId}"\\} \\d+$`, 'm'));
    }
    const json = (await (await fetch(`http://${main.health}/metrics`)).json()) as Record<string, unknown>;
    expect(json['relay_id']).toBe(main.relayId);
    expect(json['auth_reject_packets']).toBeGreaterThanOrEqual(4);
  });
});

describe('relay fixture with its clock behind the master', () => {
  it('rejects a fresh master lease (iat/nbf after its clock) as InvalidSignature, with no skew allowance', async () => {
    await using master = await startFixture('master', {
      WAVRY_MASTER_LISTEN: '127.0.0.1:0',
      WAVRY_MASTER_SIGNING_KEY: secretKeyHex(Buffer.from(SEED_HEX, 'hex')),
      WAVRY_MASTER_KEY_ID: KEY_ID,
    });
    const masterInfo = JSON.parse(await master.waitForLine(/"event":"listening"/)) as FixtureListening;
    const env = { WAVRY_MASTER_URL: `http://${masterInfo.http}`, WAVRY_RELAY_LISTEN: '127.0.0.1:0', WAVRY_RELAY_HEALTH_LISTEN: '127.0.0.1:0' };
    const behind = await startListening('relay', { ...env, DRILL_CLOCK_OFFSET_MS: '-2000' });
    await using _behind = behind.fixture;
    const relayId = String(behind.info['relay_id']);
    const p = await UdpPeer.open();
    try {
      const s = randomUUID();
      // 2 s is well inside the master's own 30 s skew on exp_rfc3339/nbf_rfc3339; pasetors' iat/nbf check has none.
      p.send(encodeLeasePresent(s, 'client', lease(relayId, s, 'client')), behind.info.udp!);
      expect((await p.reply()).outcome).toBe('InvalidSignature');
      const older = new Date(Date.now() - 5_000).toISOString();
      p.send(encodeLeasePresent(s, 'client', lease(relayId, s, 'client', { iat: older, nbf: older })), behind.info.udp!);
      expect((await p.reply()).outcome).toBe('ack');
      const health = (await (await fetch(`http://${behind.info.health!}/health`)).json()) as RelayHealth;
      expect(health.metrics.auth_reject_packets).toBe(1);
    } finally {
      p.close();
    }
  });
});
