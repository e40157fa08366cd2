/**
 * The gateway fixture: accounts and tokens (which outlive a restart, unlike websockets), auth limits and lockout,
 * the `/ws` rules (origin, caps, Bind, replacement, error texts), forwarding and the dialect tally. The embedded
 * relay is in wavry-gateway-relay.test.ts.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { GatewayAuthMetrics, GatewayAuthResponse, GatewayHealth } from '../../src/wire/wavry.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { startFixture, type FixtureProcess } from '../helpers/fixture-process.ts';
import { account, ORIGIN, post, WsClient, type Frame } from '../helpers/gateway-ws-client.ts';

const ADMIN_TOKEN = 'admin-token-that-is-long-enough-0123456789';

describe('gateway fixture', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wavry-gateway-test-'));
  let port: number;
  let relayPort: number;
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
    WAVRY_GATEWAY_RELAY_BIND_ADDR: `127.0.0.1:${relayPort}`,
    WAVRY_RELAY_PUBLIC_ADDR: `127.0.0.1:${relayPort}`,
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
    // The token first: the bind timeout here is 0.3 s, and signing up (password hashing) can take longer.
    const token = await userToken(username);
    const client = await connect();
    client.send(dialect === 'adjacent' ? { type: 'Bind', payload: { token } } : { type: 'BIND', token });
    expect(await client.next()).toEqual({ type: dialect === 'adjacent' ? 'Bound' : 'BOUND' });
    return client;
  };

  beforeAll(async () => {
    port = await freePort();
    relayPort = await freePort('udp');
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
    const logout = async (token?: string) => {
      const response = await post(`${base}/auth/logout`, {}, token);
      return [response.status, await response.json()];
    };
    expect(await logout(session)).toEqual([200, { revoked: true }]);
    expect(await logout(session)).toEqual([200, { revoked: false }]);
    expect(await logout()).toEqual([400, { error: 'Missing bearer token' }]);

    const ban = await post(`${base}/admin/api/ban`, { user_id: body.user_id, reason: 'drill' }, ADMIN_TOKEN);
    expect([ban.status, await ban.json()]).toEqual([200, { success: true }]);
    const banned = await post(`${base}/auth/login`, { email: 'carol@example.test', password: 'correct-horse-battery' });
    expect([banned.status, await banned.json()]).toEqual([403, { error: 'Account suspended: drill' }]);
    expect((await post(`${base}/admin/api/unban`, { user_id: body.user_id }, ADMIN_TOKEN)).status).toBe(200);
    expect((await post(`${base}/auth/login`, { email: 'carol@example.test', password: 'correct-horse-battery' })).status).toBe(200);

    const metrics = (await (await fetch(`${base}/metrics/auth`)).json()) as GatewayAuthMetrics;
    expect(metrics).toMatchObject({
      register_attempts: 5,
      register_success: 1,
      validation_errors: 4,
      login_attempts: 4,
      login_success: 2,
      logout_success: 2,
    });
    expect(metrics.auth_failures).toBe(1);
  });

  it('locks an account out after 5 failed logins', async () => {
    await userToken('hank');
    // From its own loopback address, so the IP lockout it causes touches no other test.
    const from = (body: unknown, route = 'login') =>
      new Promise<number>((resolve, reject) => {
        const data = JSON.stringify(body);
        const req = http.request(
          `${base}/auth/${route}`,
          { method: 'POST', localAddress: '127.0.3.9', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(data);
      });
    for (let i = 0; i < 5; i += 1) expect(await from({ email: 'hank@example.test', password: 'wrong-password-here' })).toBe(401);
    // Locked now, even with the right password, for 15 minutes after the last failure.
    expect(await from({ email: 'hank@example.test', password: 'correct-horse-battery' })).toBe(429);
    expect(await from(account('hank-two'), 'register')).toBe(201);
  });

  it('checks the Origin and caps websockets per IP', async () => {
    await expect(WsClient.open(ws, null)).rejects.toThrow('status 403');
    await expect(WsClient.open(ws, 'https://elsewhere.example')).rejects.toThrow('status 403');
    const open = await Promise.all(Array.from({ length: 6 }, () => connect()));
    await expect(WsClient.open(ws)).rejects.toThrow('status 429');
    // The health counts bound users (the connection map), not sockets: none of these has bound.
    expect((await health()).active_ws_connections).toBe(0);
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

  it('binds only the adjacent dialect at 0.0.5, forwards with target_username rewritten, drops messages to absent users', async () => {
    const before = await health();
    const alice = await bound('alice');
    const bob = await bound('bob');
    const flat = await connect();
    flat.send({ type: 'BIND', token: await userToken('bob') });
    expect(await flat.next()).toEqual({ type: 'Error', payload: { message: 'Invalid JSON' } });
    await flat.closed;
    alice.send({ type: 'OFFER_RIFT', payload: { target_username: 'bob', hello_base64: 'aGVsbG8=' } });
    expect(await bob.next()).toEqual({ type: 'OFFER_RIFT', payload: { target_username: 'alice', hello_base64: 'aGVsbG8=' } });
    alice.send({ type: 'Candidate', payload: { target_username: 'bob', candidate: 'c1' } });
    expect(await bob.next()).toEqual({ type: 'Candidate', payload: { target_username: 'alice', candidate: 'c1' } });
    // A target that is not connected: the gateway only logs it, so the next answer is the one to what follows.
    bob.send({ type: 'Offer', payload: { target_username: 'nobody', sdp: 'v=0' } });
    bob.send({ type: 'Bound' });
    expect(await bob.next()).toEqual({ type: 'Error', payload: { message: 'Unsupported client message type' } });

    const after = await health();
    expect(after.active_ws_connections - before.active_ws_connections).toBe(2);
    expect(after.signal_dialects!.adjacent - before.signal_dialects!.adjacent).toBe(2);
    expect(after.signal_dialects!.rejected - before.signal_dialects!.rejected).toBe(1);
    const prometheus = await (await fetch(`${base}/metrics/prometheus`)).text();
    expect(prometheus).toMatch(/^wavry_gateway_websocket_connections \d+$/m);
    expect(prometheus).toMatch(/^wavry_gateway_signal_binds_total\{dialect="adjacent"\} [1-9]\d*$/m);
    alice.close();
    bob.close();
  });

  it('replacing a connection leaves the older socket open; when it closes, the newer one becomes unreachable', async () => {
    const first = await bound('dave');
    const second = await bound('dave');
    expect(await first.next()).toEqual({ type: 'Error', payload: { message: 'Session replaced by a newer connection' } });
    expect(first.socket.readyState).toBe(WebSocket.OPEN);
    const caller = await bound('erica');
    caller.send({ type: 'OFFER_RIFT', payload: { target_username: 'dave', hello_base64: 'b25l' } });
    expect(await second.next()).toMatchObject({ type: 'OFFER_RIFT' });
    first.close();
    await first.closed;
    await new Promise((r) => setTimeout(r, 100));
    caller.send({ type: 'OFFER_RIFT', payload: { target_username: 'dave', hello_base64: 'dHdv' } });
    await expect(second.next(500)).rejects.toThrow('no ws frame');
    expect(second.socket.readyState).toBe(WebSocket.OPEN);
    second.close();
    caller.close();
  });

  it('release 0.1.0 removes only the closing socket\'s own entry, so the newer connection stays reachable', async () => {
    const fixedPort = await freePort();
    await using _fixed = await startFixture(
      'gateway',
      {
        ...env({ DRILL_RELEASE: '0.1.0', WAVRY_MASTER_URL: 'http://127.0.0.1:9' }),
        WAVRY_GATEWAY_BIND_ADDR: `127.0.0.1:${fixedPort}`,
      },
      { readyUrl: `http://127.0.0.1:${fixedPort}/health` },
    );
    const open = async (username: string) => {
      const token = await userToken(username);
      const client = await WsClient.open(`ws://127.0.0.1:${fixedPort}/ws`);
      clients.push(client);
      client.send({ type: 'Bind', payload: { token } });
      expect(await client.next()).toEqual({ type: 'Bound' });
      return client;
    };
    const first = await open('dave');
    const second = await open('dave');
    const caller = await open('erica');
    expect(await first.next()).toMatchObject({ type: 'Error' });
    first.close();
    await first.closed;
    await new Promise((r) => setTimeout(r, 100));
    caller.send({ type: 'OFFER_RIFT', payload: { target_username: 'dave', hello_base64: 'dHdv' } });
    expect(await second.next()).toMatchObject({ type: 'OFFER_RIFT', payload: { target_username: 'erica' } });
  });

  it('keeps tokens across a restart while websockets drop; release 0.0.6 refuses the flat dialect too', async () => {
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
    expect(await third.next()).toEqual({ type: 'Error', payload: { message: 'Bind rate limit exceeded' } });

    expect((await post(`${base}/auth/login`, { email: 'grace@example.test', password: 'correct-horse-battery' })).status).toBe(200);
    expect((await post(`${base}/auth/login`, { email: 'grace@example.test', password: 'correct-horse-battery' })).status).toBe(429);
    // One bucket per route: the login bucket is spent (1 a minute here), the register bucket is not.
    expect((await post(`${base}/auth/register`, account('ivy'))).status).toBe(201);
    expect((await post(`${base}/auth/register`, account('ivan'))).status).toBe(429);
  });
});
