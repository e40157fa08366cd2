/**
 * The gateway fixture: accounts and tokens (which outlive a restart, unlike websockets), the `/ws` rules
 * (origin, caps, Bind, replacement, error texts), forwarding between the two dialects with the dialect tally,
 * and embedded relay grants that really forward over UDP.
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GatewayAuthMetrics, GatewayAuthResponse, GatewayHealth } from '../../src/wire/wavry.ts';
import { PACKET_TYPE, decodeHeader, encodeLeasePresent, encodePacket } from '../../fixtures/wavry-common/relay-codec.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { startFixture, type FixtureProcess } from '../helpers/fixture-process.ts';

const ORIGIN = 'http://localhost:1420';
const ADMIN_TOKEN = 'admin-token-that-is-long-enough-0123456789';
type Frame = Record<string, unknown>;

/** A `/ws` client with a receive queue; frames are raw JSON so both dialects can be written exactly. */
class WsClient {
  private readonly queue: Frame[] = [];
  private readonly waiters: ((frame: Frame) => void)[] = [];
  readonly closed: Promise<number>;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.queue.push(frame);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }
  /** Resolves with the client, or rejects with the HTTP status that refused the upgrade. */
  static open(url: string, origin: string | null = ORIGIN): Promise<WsClient> {
    const socket = new WebSocket(url, origin ? { origin } : {});
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }
  send(frame: Frame | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  next(timeoutMs = 3_000): Promise<Frame> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (frame: Frame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ws frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
  close(): void {
    this.socket.terminate();
  }
}

const post = (url: string, body: unknown, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
const account = (username: string) => ({
  email: `${username}@example.test`,
  password: 'correct-horse-battery',
  display_name: username,
  username,
  public_key: 'ab'.repeat(32),
});

describe('gateway fixture', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wavry-gateway-test-'));
  let port: number;
  let gateway: FixtureProcess;
  let base: string;
  let ws: string;
  const clients: WsClient[] = [];
  const connect = async (origin: string | null = ORIGIN) => {
    const client = await WsClient.open(ws, origin);
    clients.push(client);
    return client;
  };
  const env = (extra: Record<string, string> = {}) => ({
    WAVRY_GATEWAY_BIND_ADDR: `127.0.0.1:${port}`,
    WAVRY_GATEWAY_DB: path.join(dir, 'gateway.db'),
    WAVRY_GATEWAY_RELAY_BIND_ADDR: '127.0.0.1:0',
    WAVRY_WS_BIND_TIMEOUT_SECS: '0.3',
    WAVRY_WS_MAX_PER_IP: '6',
    WAVRY_AUTH_RATE_LIMIT: '100',
    WAVRY_WS_BIND_RATE_LIMIT: '100',
    ADMIN_PANEL_TOKEN: ADMIN_TOKEN,
    ...extra,
  });
  const tokens = new Map<string, string>();
  const userToken = async (username: string) => {
    const known = tokens.get(username);
    if (known) return known;
    const response = await post(`${base}/auth/register`, account(username));
    const token = ((await response.json()) as GatewayAuthResponse).token;
    tokens.set(username, token);
    return token;
  };
  const health = async () => (await (await fetch(`${base}/health`)).json()) as GatewayHealth;
  const bound = async (username: string, dialect: 'adjacent' | 'flat' = 'adjacent') => {
    const client = await connect();
    const token = await userToken(username);
    client.send(dialect === 'adjacent' ? { type: 'Bind', payload: { token } } : { type: 'BIND', token });
    expect(await client.next()).toEqual({ type: dialect === 'adjacent' ? 'Bound' : 'BOUND' });
    return client;
  };

  beforeAll(async () => {
    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    ws = `ws://127.0.0.1:${port}/ws`;
    gateway = await startFixture('gateway', env(), { readyUrl: `${base}/health` });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers with 201, validates input, logs in and out, and refuses banned accounts', async () => {
    expect(await (await fetch(`${base}/`)).text()).toBe('Wavry Gateway Online');
    for (const bad of [{ password: 'short' }, { username: 'a!' }, { public_key: 'xyz' }]) {
      const response = await post(`${base}/auth/register`, { ...account('carol'), ...bad });
      expect(response.status).toBe(400);
      expect(Object.keys((await response.json()) as object)).toEqual(['error']);
    }
    const created = await post(`${base}/auth/register`, account('carol'));
    expect(created.status).toBe(201);
    const body = (await created.json()) as GatewayAuthResponse;
    expect(body).toMatchObject({ username: 'carol', email: 'carol@example.test', totp_required: false });
    expect(body.token).toMatch(/^[A-Za-z0-9_.-]{32,}$/);
    expect((await post(`${base}/auth/register`, account('carol'))).status).toBe(409);

    const wrong = await post(`${base}/auth/login`, { email: 'carol@example.test', password: 'not-the-password' });
    expect([wrong.status, await wrong.json()]).toEqual([401, { error: 'Invalid credentials' }]);
    const login = await post(`${base}/auth/login`, { email: 'carol@example.test', password: 'correct-horse-battery' });
    expect(login.status).toBe(200);
    const session = ((await login.json()) as GatewayAuthResponse).token;
    expect((await post(`${base}/auth/logout`, {}, session)).status).toBe(200);
    expect((await post(`${base}/auth/logout`, {}, session)).status).toBe(401);

    expect((await post(`${base}/admin/api/sessions/ban`, { username: 'carol', reason: 'drill' }, ADMIN_TOKEN)).status).toBe(200);
    const banned = await post(`${base}/auth/login`, { email: 'carol@example.test', password: 'correct-horse-battery' });
    expect([banned.status, await banned.json()]).toEqual([403, { error: 'Account suspended: drill' }]);

    const metrics = (await (await fetch(`${base}/metrics/auth`)).json()) as GatewayAuthMetrics;
    expect(metrics).toMatchObject({
      register_attempts: 5,
      register_success: 1,
      validation_errors: 3,
      login_attempts: 3,
      login_success: 1,
      logout_success: 1,
    });
    expect(metrics.auth_failures).toBe(2);
  });

  it('checks the Origin and caps websockets per IP', async () => {
    await expect(WsClient.open(ws, null)).rejects.toThrow('status 403');
    await expect(WsClient.open(ws, 'https://elsewhere.example')).rejects.toThrow('status 403');
    const open = await Promise.all(Array.from({ length: 6 }, () => connect()));
    await expect(WsClient.open(ws)).rejects.toThrow('status 429');
    expect((await health()).active_ws_connections).toBe(6);
    for (const client of open) client.close();
    await Promise.all(open.map((c) => c.closed));
  });

  it('closes sockets that signal before Bind, send bad JSON, bind late or bind with a bad token', async () => {
    const cases: [Frame | string, string][] = [
      [{ type: 'OFFER_RIFT', payload: { target_username: 'x', hello_base64: '' } }, 'Bind required before signaling'],
      ['{not json', 'Invalid JSON'],
      [{ type: 'Bind', payload: { token: 'no-such-token-no-such-token-0000' } }, 'Invalid Token'],
    ];
    for (const [frame, error] of cases) {
      const client = await connect();
      client.send(frame);
      expect(await client.next()).toEqual({ type: 'Error', payload: { message: error } });
      await client.closed;
    }
    const late = await connect();
    await new Promise((r) => setTimeout(r, 500));
    expect(late.socket.readyState).toBe(WebSocket.OPEN);
    late.send({ type: 'Bind', payload: { token: await userToken('late') } });
    expect(await late.next()).toEqual({ type: 'Error', payload: { message: 'Bind timeout' } });
    await late.closed;
  });

  it('binds in both dialects, counts them, and forwards with target_username rewritten to the sender', async () => {
    const before = await health();
    const alice = await bound('alice', 'adjacent');
    const bob = await bound('bob', 'flat');
    alice.send({ type: 'OFFER_RIFT', payload: { target_username: 'bob', hello_base64: 'aGVsbG8=' } });
    expect(await bob.next()).toEqual({ type: 'OFFER_RIFT', target_username: 'alice', hello_base64: 'aGVsbG8=' });
    bob.send({ type: 'ANSWER_RIFT', target_username: 'alice', ack_base64: 'YWNr' });
    expect(await alice.next()).toEqual({ type: 'ANSWER_RIFT', payload: { target_username: 'bob', ack_base64: 'YWNr' } });
    alice.send({ type: 'Candidate', payload: { target_username: 'bob', candidate: 'c1' } });
    expect(await bob.next()).toEqual({ type: 'CANDIDATE', target_username: 'alice', candidate: 'c1' });
    bob.send({ type: 'OFFER', target_username: 'nobody', sdp: 'v=0' });
    expect(await bob.next()).toEqual({ type: 'ERROR', message: 'User not online' });

    const after = await health();
    expect(after.signal_dialects!.adjacent - before.signal_dialects!.adjacent).toBe(1);
    expect(after.signal_dialects!.flat - before.signal_dialects!.flat).toBe(1);
    const prometheus = await (await fetch(`${base}/metrics/prometheus`)).text();
    expect(prometheus).toMatch(/^wavry_gateway_websocket_connections \d+$/m);
    expect(prometheus).toMatch(/^wavry_gateway_signal_binds_total\{dialect="flat"\} [1-9]\d*$/m);
    alice.close();
    bob.close();
  });

  it('replaces an older connection when the same user binds again', async () => {
    const first = await bound('dave');
    const second = await bound('dave');
    expect(await first.next()).toEqual({ type: 'Error', payload: { message: 'Session replaced by a newer connection' } });
    await first.closed;
    expect(second.socket.readyState).toBe(WebSocket.OPEN);
    second.close();
  });

  it('grants embedded relay sessions that forward between the two peers', async () => {
    const erin = await bound('erin', 'adjacent');
    const frank = await bound('frank', 'flat');
    erin.send({ type: 'REQUEST_RELAY', payload: { target_username: 'frank' } });
    const [mine, theirs] = await Promise.all([erin.next(), frank.next()]);
    expect(mine).toMatchObject({ type: 'RELAY_CREDENTIALS', payload: { token: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const grant = (mine as { payload: { token: string; addr: string; session_id: string } }).payload;
    expect(theirs).toEqual({ type: 'RELAY_CREDENTIALS', ...grant });
    expect((await health()).active_relay_sessions).toBe(1);

    const [a, b] = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<dgram.Socket>((resolve) => {
            const socket = dgram.createSocket('udp4');
            socket.bind(0, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    const [host, relayPort] = grant.addr.split(':') as [string, string];
    const nextPacket = (socket: dgram.Socket) => new Promise<Buffer>((resolve) => socket.once('message', resolve));
    try {
      for (const [socket, role] of [
        [a!, 'client'],
        [b!, 'server'],
      ] as const) {
        const reply = nextPacket(socket);
        socket.send(encodeLeasePresent(grant.session_id, role, grant.token), Number(relayPort), host);
        const decoded = decodeHeader(await reply);
        expect(decoded.ok && decoded.header.type).toBe(PACKET_TYPE.LeaseAck);
      }
      const payload = Buffer.alloc(12);
      payload.writeBigUInt64BE(1n);
      const forwarded = nextPacket(b!);
      a!.send(encodePacket(PACKET_TYPE.Forward, grant.session_id, payload), Number(relayPort), host);
      expect((await forwarded).subarray(20)).toEqual(payload);
    } finally {
      a!.close();
      b!.close();
    }
    erin.close();
    frank.close();
  });

  it('keeps tokens across a restart while websockets drop; release 0.0.6 refuses the flat dialect', async () => {
    const grace = await bound('grace');
    const token = await userToken('grace');
    await gateway.stop();
    await grace.closed;
    gateway = await startFixture('gateway', env({ DRILL_RELEASE: '0.0.6', WAVRY_WS_BIND_RATE_LIMIT: '2', WAVRY_AUTH_RATE_LIMIT: '1' }), {
      readyUrl: `${base}/health`,
    });
    const again = await connect();
    again.send({ type: 'Bind', payload: { token } });
    expect(await again.next()).toEqual({ type: 'Bound' });

    const flat = await connect();
    flat.send({ type: 'BIND', token: await userToken('bob') });
    expect(await flat.next()).toEqual({ type: 'Error', payload: { message: 'Invalid JSON' } });
    const tally = (await health()).signal_dialects;
    expect(tally).toEqual({ adjacent: 1, flat: 0, rejected: 1 });

    await bound('alice');
    const third = await connect();
    third.send({ type: 'Bind', payload: { token: await userToken('dave') } });
    expect(await third.next()).toEqual({ type: 'Error', payload: { message: 'Rate limit exceeded' } });

    expect((await post(`${base}/auth/login`, { email: 'grace@example.test', password: 'correct-horse-battery' })).status).toBe(200);
    expect((await post(`${base}/auth/login`, { email: 'grace@example.test', password: 'correct-horse-battery' })).status).toBe(429);
  });
});
