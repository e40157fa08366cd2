/**
 * The Wavry stack for tests and benches that drive the session workload directly: master, relays, gateway and
 * hosts as real fixture processes on loopback, and the WavryDriver targets that point at them. Also a host peer
 * that answers WebRTC offers (`WebRtcHostPeer`), standing in for the host fixture until it does so itself.
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataChannel, PeerConnection } from 'node-datachannel';
import WebSocket from 'ws';
import { decodeMedia, echoOf, encodeMedia } from '../../fixtures/wavry-common/media-packet.ts';
import { decodeCandidate, encodeCandidate } from '../../src/load/wavry/ice-candidate.ts';
import { decodeSignalFrame, encodeSignalFrame } from '../../src/load/wavry/signal-frames.ts';
import type { WavryTargets } from '../../src/load/wavry/wavry-driver.ts';
import { closePeerConnection, openPeerConnection, releaseWebRtcIfIdle } from '../../src/load/wavry/webrtc-peers.ts';
import type { FixtureListening, FlatSignal, GatewayAuthResponse, HostHealth, MasterHealth, RiftHelloAck } from '../../src/wire/wavry.ts';
import { startFixture, type FixtureProcess } from './fixture-process.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef-0123';
const SIGNING_SEED_HEX = '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42';

type Listening = FixtureListening & Record<string, unknown>;

async function start(name: string, env: Record<string, string>): Promise<{ fixture: FixtureProcess; info: Listening }> {
  const fixture = await startFixture(name, env);
  try {
    return { fixture, info: JSON.parse(await fixture.waitForLine(/"event":"listening"/, 30_000)) as Listening };
  } catch (error) {
    await fixture.stop();
    throw error;
  }
}

export async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const getJson = async <T>(url: string) => (await (await fetch(url, { signal: AbortSignal.timeout(2_000) })).json()) as T;

export interface HostOptions {
  username: string;
  env?: Record<string, string>;
}

export interface WavryStackOptions {
  release?: string;
  relays?: number;
  /** Per relay (by index): extra env, e.g. a fixed `WAVRY_RELAY_LISTEN` and `WAVRY_RELAY_ADVERTISE_ADDR`. */
  relayEnv?: (index: number) => Record<string, string>;
  hosts?: HostOptions[];
  gatewayEnv?: Record<string, string>;
}

export interface WavryStack extends AsyncDisposable {
  masterUrl: string;
  gatewayUrl: string;
  relays: { udp: string; healthUrl: string; relayId: string }[];
  hosts: { username: string; healthUrl: string; udp: string }[];
  fixtures: FixtureProcess[];
  targets(): WavryTargets;
  stop(): Promise<void>;
}

/** Starts master, relays (registered and assignable), gateway (relaying through the master) and hosts (bound). */
export async function startWavryStack(options: WavryStackOptions = {}): Promise<WavryStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-wavry-stack-'));
  const fixtures: FixtureProcess[] = [];
  const release = { DRILL_RELEASE: options.release ?? '0.0.5' };
  const stop = async () => {
    await Promise.all(fixtures.map((f) => f.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await start('master', {
      ...release,
      WAVRY_MASTER_LISTEN: '127.0.0.1:0',
      WAVRY_MASTER_SIGNING_KEY: SIGNING_SEED_HEX,
      ADMIN_PANEL_TOKEN: ADMIN_TOKEN,
      WAVRY_MASTER_HEARTBEAT_INTERVAL_MS: '1000',
    });
    fixtures.push(master.fixture);
    const masterUrl = `http://${master.info.http}`;
    const relayCount = options.relays ?? 1;
    const relayStarts = Array.from({ length: relayCount }, (_, i) =>
      start('relay', {
        ...release,
        WAVRY_MASTER_URL: masterUrl,
        WAVRY_RELAY_LISTEN: '127.0.0.1:0',
        WAVRY_RELAY_HEALTH_LISTEN: '127.0.0.1:0',
        ...options.relayEnv?.(i),
      }),
    );
    const gatewayStart = start('gateway', {
      ...release,
      WAVRY_GATEWAY_BIND_ADDR: '127.0.0.1:0',
      WAVRY_GATEWAY_DB: path.join(dir, 'gateway.db'),
      WAVRY_MASTER_URL: masterUrl,
      WAVRY_WS_ALLOW_MISSING_ORIGIN: '1',
      ...options.gatewayEnv,
    });
    const started = await Promise.allSettled([...relayStarts, gatewayStart]);
    for (const result of started) if (result.status === 'fulfilled') fixtures.push(result.value.fixture);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const relays = started.slice(0, relayCount).map((r) => {
      const { info } = (r as PromiseFulfilledResult<{ info: Listening }>).value;
      return { udp: String(info.udp), healthUrl: `http://${info.health}`, relayId: String(info['relay_id']) };
    });
    const gatewayInfo = (started.at(-1) as PromiseFulfilledResult<{ info: Listening }>).value.info;
    const gatewayUrl = `http://${gatewayInfo.http}`;
    const hostOptions = options.hosts ?? [{ username: 'host-a' }];
    const hostStarts = await Promise.allSettled(
      hostOptions.map((host) =>
        start('host', {
          ...release,
          WAVRY_GATEWAY_URL: `ws://${gatewayInfo.http}/ws`,
          WAVRY_LISTEN_ADDR: '127.0.0.1:0',
          WAVRY_HOST_HEALTH_LISTEN: '127.0.0.1:0',
          WAVRY_HOST_USERNAME: host.username,
          WAVRY_HOST_PASSWORD: `${host.username}-host-password`,
          ...host.env,
        }),
      ),
    );
    for (const result of hostStarts) if (result.status === 'fulfilled') fixtures.push(result.value.fixture);
    const hostFailed = hostStarts.find((r) => r.status === 'rejected');
    if (hostFailed) throw hostFailed.reason;
    const hosts = hostStarts.map((r, i) => {
      const { info } = (r as PromiseFulfilledResult<{ info: Listening }>).value;
      return { username: hostOptions[i]!.username, healthUrl: `http://${info.health}`, udp: String(info.udp) };
    });
    await until(
      () => getJson<MasterHealth>(`${masterUrl}/health`),
      (h) => h.relays_assignable >= relayCount,
      'relays assignable',
    );
    for (const host of hosts)
      await until(
        () => getJson<HostHealth>(`${host.healthUrl}/health`),
        (h) => h.bound,
        `${host.username} bound`,
      );
    return {
      masterUrl,
      gatewayUrl,
      relays,
      hosts,
      fixtures,
      targets: () => ({
        gatewayUrl,
        masterUrl,
        hosts: hosts.map((h) => ({ name: h.username, username: h.username })),
        relays: relays.map((r, i) => ({ name: `relay-${i}`, healthUrl: r.healthUrl })),
        adminToken: ADMIN_TOKEN,
      }),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A host that answers WebRTC offers, as the host fixture is to: it signs up and binds on the gateway (wavry-common
 * dialect, as the real host), answers OFFER_RIFT with its UDP address, and on `OFFER{sdp}` opens a peer
 * connection bound to 127.0.0.1, answers, trickles its candidates back through the gateway, and echoes media on
 * the data channel (Input → Frame, Ping → Pong). Its UDP socket echoes too.
 */
export class WebRtcHostPeer implements AsyncDisposable {
  /** OFFERs answered, data-channel messages echoed, UDP datagrams echoed. */
  readonly counts = { offers: 0, channelMessages: 0, udpMessages: 0 };
  private readonly connections = new Set<PeerConnection>();
  private readonly channels = new Set<DataChannel>();

  private constructor(
    readonly username: string,
    private readonly socket: WebSocket,
    private readonly udp: dgram.Socket,
  ) {
    socket.on('message', (data) => {
      const message = decodeSignalFrame(String(data));
      if (message) void this.onSignal(message);
    });
    udp.on('message', (datagram, from) => {
      const media = datagram.length > 1 ? decodeMedia(datagram) : undefined;
      const reply = media && echoOf(media);
      if (!reply) return;
      this.counts.udpMessages++;
      udp.send(encodeMedia(reply), from.port, from.address);
    });
  }

  static async start(gatewayUrl: string, username: string): Promise<WebRtcHostPeer> {
    const response = await fetch(`${gatewayUrl}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `${username}@hosts.test`,
        password: `${username}-password`,
        display_name: username,
        username,
        public_key: 'ab'.repeat(32),
      }),
    });
    const { token } = (await response.json()) as GatewayAuthResponse;
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const socket = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/ws`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const peer = new WebRtcHostPeer(username, socket, udp);
    const bound = new Promise<void>((resolve) =>
      socket.on('message', (data) => decodeSignalFrame(String(data))?.type === 'BOUND' && resolve()),
    );
    peer.send({ type: 'BIND', token });
    await bound;
    return peer;
  }

  private send(message: FlatSignal): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(encodeSignalFrame(message, 'flat'));
  }

  private async onSignal(message: FlatSignal): Promise<void> {
    if (message.type === 'OFFER_RIFT') {
      const ack: RiftHelloAck = {
        accepted: true,
        session_id: crypto.randomUUID(),
        session_alias: 1,
        public_addr: `127.0.0.1:${this.udp.address().port}`,
      };
      this.send({
        type: 'ANSWER_RIFT',
        target_username: message.target_username,
        ack_base64: Buffer.from(JSON.stringify(ack)).toString('base64'),
      });
    } else if (message.type === 'OFFER') {
      this.counts.offers++;
      // Set before the first await: the viewer's candidates follow its offer at once.
      this.byViewer.set(message.target_username, this.answer(message.target_username, message.sdp));
    } else if (message.type === 'CANDIDATE') {
      const candidate = decodeCandidate(message.candidate);
      const connection = await this.byViewer.get(message.target_username);
      if (candidate && connection) connection.addRemoteCandidate(candidate.candidate, candidate.sdpMid);
    }
  }

  private readonly byViewer = new Map<string, Promise<PeerConnection>>();

  private async answer(viewer: string, sdp: string): Promise<PeerConnection> {
    const connection = await openPeerConnection(`host-${this.username}`, '127.0.0.1');
    this.connections.add(connection);
    connection.onLocalDescription(
      (answer, type) => type === 'answer' && this.send({ type: 'ANSWER', target_username: viewer, sdp: answer }),
    );
    connection.onLocalCandidate((candidate, mid) =>
      this.send({ type: 'CANDIDATE', target_username: viewer, candidate: encodeCandidate(candidate, mid) }),
    );
    connection.onDataChannel((channel: DataChannel) => {
      this.channels.add(channel);
      channel.onMessage((data) => {
        const media = typeof data === 'string' ? undefined : decodeMedia(Buffer.from(data as Buffer));
        const reply = media && echoOf(media);
        if (!reply) return;
        this.counts.channelMessages++;
        channel.sendMessageBinary(encodeMedia(reply));
      });
    });
    connection.setRemoteDescription(sdp, 'offer');
    return connection;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.socket.terminate();
    this.udp.close();
    // Channels before connections: node-datachannel's cleanup() crashes on a channel left on a closed connection.
    for (const channel of this.channels) channel.close();
    for (const connection of this.connections) closePeerConnection(connection);
    this.connections.clear();
    await releaseWebRtcIfIdle();
  }
}
