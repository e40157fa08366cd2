/**
 * The host fixture on its own: `/ready` only once it is bound on the gateway; a malformed WebRTC offer or ICE
 * candidate sent through the gateway is refused and counted while the host keeps answering good offers; and
 * several relay sessions on one relay address each get their own LEASE_PRESENT retries, ACK and echo (the relay
 * here is a UDP socket of the test, registered with the master, that drops each session's first presentation).
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeHeader,
  decodeLeasePresent,
  encodeLeaseAck,
  encodeLeaseReject,
  encodePacket,
  PACKET_TYPE,
} from '../../fixtures/wavry-common/relay-codec.ts';
import { decodeMedia, encodeMedia } from '../../fixtures/wavry-common/media-packet.ts';
import { systemClock } from '../../src/common/clock.ts';
import { signIn } from '../../src/load/wavry/client-account.ts';
import { GatewaySignaling } from '../../src/load/wavry/gateway-signaling.ts';
import { openWebRtcPath } from '../../src/load/wavry/webrtc-path.ts';
import { releaseWebRtcIfIdle } from '../../src/load/wavry/webrtc-peers.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import type { HostHealth, HostReady } from '../../src/wire/wavry.ts';
import { startFixture } from '../helpers/fixture-process.ts';
import { startWavryStack, until, type WavryStack } from '../helpers/wavry-peers.ts';

const getJson = async <T>(url: string) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return { status: response.status, body: (await response.json()) as T };
};

let stack: WavryStack;
const webRtcHost = () => stack.hosts[0]!;
const relayedHost = () => stack.hosts[1]!;
const health = async (host = webRtcHost()) => (await getJson<HostHealth>(`${host.healthUrl}/health`)).body;

/** A viewer bound on the gateway through the harness's own signaling client. */
async function viewer(name: string, signal: AbortSignal): Promise<GatewaySignaling> {
  const account = { username: name, email: `${name}@viewers.drill.test`, password: `${name}-password`, publicKey: 'cd'.repeat(32) };
  const token = await signIn(stack.gatewayUrl, account, { localAddress: '127.0.0.1', timeoutMs: 5_000, signal });
  const signaling = await GatewaySignaling.connect({
    url: `${stack.gatewayUrl.replace(/^http/, 'ws')}/ws`,
    localAddress: '127.0.0.1',
    timeoutMs: 5_000,
    clock: systemClock,
    signal,
  });
  await signaling.bind(token, 5_000, signal);
  return signaling;
}

beforeAll(async () => {
  stack = await startWavryStack({
    relays: 0,
    // The relayed host presents its lease, as the documented design has it (0.0.5 hosts present none).
    sessionRelease: '0.1.0',
    hosts: [{ username: 'host-webrtc' }, { username: 'host-relayed', env: { WAVRY_HOST_ADVERTISE_DIRECT: '0' } }],
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('host fixture', () => {
  it('is ready only once bound on the gateway, while /health answers from the start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-wavry-host-'));
    const gatewayPort = await freePort();
    await using host = await startFixture('host', {
      DRILL_RELEASE: '0.0.5',
      WAVRY_GATEWAY_URL: `ws://127.0.0.1:${gatewayPort}/ws`,
      WAVRY_LISTEN_ADDR: '127.0.0.1:0',
      WAVRY_HOST_HEALTH_LISTEN: '127.0.0.1:0',
      WAVRY_HOST_USERNAME: 'host-late',
    });
    try {
      const listening = JSON.parse(await host.waitForLine(/"event":"listening"/, 30_000)) as { health: string };
      const base = `http://${listening.health}`;
      const before = await getJson<HostHealth>(`${base}/health`);
      expect(before).toMatchObject({ status: 200, body: { bound: false } });
      expect(await getJson<HostReady>(`${base}/ready`)).toEqual({ status: 503, body: { ready: false, bound: false } });
      await using gateway = await startFixture('gateway', {
        DRILL_RELEASE: '0.0.5',
        WAVRY_GATEWAY_BIND_ADDR: `127.0.0.1:${gatewayPort}`,
        WAVRY_GATEWAY_DB: path.join(dir, 'gateway.db'),
        WAVRY_WS_ALLOW_MISSING_ORIGIN: '1',
      });
      await gateway.waitForLine(/"event":"listening"/, 30_000);
      const ready = await until(
        () => getJson<HostReady>(`${base}/ready`),
        (r) => r.status === 200,
        'host ready',
      );
      expect(ready.body).toEqual({ ready: true, bound: true });
      await gateway.stop();
      await until(
        () => getJson<HostReady>(`${base}/ready`),
        (r) => r.status === 503,
        'host not ready without its gateway',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a malformed OFFER and CANDIDATE, keeps running and still answers a good offer', async () => {
    const controller = new AbortController();
    const signaling = await viewer('viewer-webrtc', controller.signal);
    const host = webRtcHost();
    const healthAddress = `"health":"${host.healthUrl.replace('http://', '')}"`;
    const fixture = stack.fixtures.find((f) => f.lines.some((line) => line.includes(healthAddress)))!;
    const before = await health();
    try {
      signaling.send({ type: 'OFFER', target_username: host.username, sdp: 'v=0\r\nthis is not an offer\r\n' });
      signaling.send({ type: 'CANDIDATE', target_username: host.username, candidate: 'candidate:garbage' });
      await until(health, (h) => h.counters.webrtc_offers_refused > before.counters.webrtc_offers_refused, 'offer refused');
      expect((await getJson<HostReady>(`${host.healthUrl}/ready`)).status).toBe(200);

      const outcome = await openWebRtcPath({
        signaling,
        host: host.username,
        localAddress: '127.0.0.1',
        handshake: { attempts: 6, intervalMs: 2_000 },
        answerTimeoutMs: 12_000,
        clock: systemClock,
        signal: controller.signal,
      });
      expect(outcome.kind).toBe('open');
      if (outcome.kind !== 'open') return;
      // Candidates for the live connection: one the library cannot parse, one that is no candidate line at all.
      signaling.send({ type: 'CANDIDATE', target_username: host.username, candidate: 'candidate:garbage' });
      signaling.send({ type: 'CANDIDATE', target_username: host.username, candidate: '{"sdpMid":"0"}' });
      await until(
        health,
        (h) => h.counters.webrtc_candidates_refused >= before.counters.webrtc_candidates_refused + 2,
        'candidates refused',
      );

      const pong = new Promise<number>((resolve) =>
        outcome.path.onMedia((bytes) => {
          const media = decodeMedia(bytes);
          if (media?.kind === 'Pong') resolve(media.sequence);
        }),
      );
      const sequence = outcome.path.sequence.next();
      outcome.path.send(encodeMedia({ sequence, kind: 'Ping', sentAtMs: Date.now(), paddingBytes: 0 }));
      expect(await pong).toBe(sequence);
      outcome.path.close();

      const after = await health();
      expect(after.counters.webrtc_offers_refused - before.counters.webrtc_offers_refused).toBe(1);
      expect(after.counters.webrtc_offers_answered - before.counters.webrtc_offers_answered).toBe(1);
      expect(after.counters.webrtc_candidates_refused - before.counters.webrtc_candidates_refused).toBe(2);
      expect(fixture.lines.filter((line) => line.includes('"event":"webrtc_offer_refused"'))).toHaveLength(1);
      expect(fixture.lines.join('\n')).not.toMatch(/Unhandled|ERR_UNHANDLED_REJECTION/);
      expect(fixture.child.exitCode).toBeNull();
    } finally {
      controller.abort();
      signaling.close();
      await releaseWebRtcIfIdle();
    }
  });

  it('keeps presenting, settles and echoes each of several relay sessions on one relay address', async () => {
    // The test's relay drops the first LEASE_PRESENT of every session: each one is acknowledged only because the
    // host resends it, however many other sessions on the same relay arrived in between.
    const sessions = 4;
    await using relay = await ScriptedRelay.start(sessions);
    const registered = await fetch(`${stack.masterUrl}/v1/relays/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ relay_id: randomUUID(), endpoints: [relay.address], features: [] }),
    });
    expect(registered.status).toBe(200);
    const controller = new AbortController();
    const signaling = await viewer('viewer-relay', controller.signal);
    const before = await health(relayedHost());
    try {
      for (let i = 0; i < sessions; i++) signaling.send({ type: 'REQUEST_RELAY', target_username: relayedHost().username });
      await until(
        async () => relay.acked.size,
        (count) => count === sessions - 1,
        'sessions acknowledged (all but the rejected one)',
      );
      const acked = relay.acked;
      for (const sessionId of acked) expect(relay.presents.get(sessionId)).toBe(2);
      const echoed = await Promise.all([...acked].map((sessionId) => relay.ping(sessionId)));
      expect(echoed).toEqual([...acked]);
      const rejected = [...relay.presents.keys()].find((id) => !acked.has(id))!;
      const after = await until(
        () => health(relayedHost()),
        (h) => h.counters.lease_rejects > before.counters.lease_rejects,
        'lease reject counted',
      );
      expect(after.counters.lease_acks - before.counters.lease_acks).toBe(sessions - 1);
      expect(after.counters.relay_packets - before.counters.relay_packets).toBe(sessions - 1);
      expect(after.last_lease_reject).toBe('SessionFull');
      expect(relay.presents.get(rejected)).toBe(2);
    } finally {
      controller.abort();
      signaling.close();
    }
  });
});

/**
 * A relay address of the test's own: drops the first LEASE_PRESENT of each session and answers the second, an ACK
 * for every session but the `sessions`-th to arrive, which gets a REJECT (SessionFull); sends Pings in FORWARD.
 */
class ScriptedRelay implements AsyncDisposable {
  /** LEASE_PRESENTs received per session id, in order of first arrival. */
  readonly presents = new Map<string, number>();
  readonly acked = new Set<string>();
  private host: { address: string; port: number } | undefined;
  private readonly pongs = new Map<string, () => void>();

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly sessions: number,
  ) {
    socket.on('message', (packet, from) => this.receive(packet, from));
  }

  static start(sessions: number): Promise<ScriptedRelay> {
    const socket = dgram.createSocket('udp4');
    return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(new ScriptedRelay(socket, sessions))));
  }

  get address(): string {
    return `127.0.0.1:${this.socket.address().port}`;
  }

  private receive(packet: Buffer, from: dgram.RemoteInfo): void {
    const decoded = decodeHeader(packet);
    if (!decoded.ok) return;
    const { header, payload } = decoded;
    if (header.type === PACKET_TYPE.Forward) {
      if (decodeMedia(payload)?.kind === 'Pong') this.pongs.get(header.sessionId)?.();
      return;
    }
    if (header.type !== PACKET_TYPE.LeasePresent || !decodeLeasePresent(payload)) return;
    this.host = { address: from.address, port: from.port };
    const count = (this.presents.get(header.sessionId) ?? 0) + 1;
    this.presents.set(header.sessionId, count);
    if (count !== 2) return;
    const rejected = [...this.presents.keys()].indexOf(header.sessionId) === this.sessions - 1;
    if (!rejected) this.acked.add(header.sessionId);
    const reply = rejected
      ? encodeLeaseReject(header.sessionId, 'SessionFull')
      : encodeLeaseAck(header.sessionId, { expiresAtMs: Date.now() + 300_000, softLimitKbps: 50_000, hardLimitKbps: 100_000 });
    this.socket.send(reply, from.port, from.address);
  }

  /** Sends a Ping in FORWARD for the session; resolves with the session id once the host's Pong comes back. */
  ping(sessionId: string): Promise<string> {
    const host = this.host!;
    return new Promise((resolve) => {
      this.pongs.set(sessionId, () => resolve(sessionId));
      const ping = encodeMedia({ sequence: 1, kind: 'Ping', sentAtMs: Date.now(), paddingBytes: 0 });
      this.socket.send(encodePacket(PACKET_TYPE.Forward, sessionId, ping), host.port, host.address);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }
}
