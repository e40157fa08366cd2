/**
 * The master fixture on its own: registration rules, load-derived states, the stale/purge sweep, readiness,
 * admin-set Draining, the `/ws` relay flow with real leases, its per-user limit, and the release differences
 * (requester role, silence vs ERROR when no relay is free). The test plays the relays over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type {
  FixtureListening,
  FlatSignal,
  LeaseClaims,
  MasterHealth,
  RelayListEntry,
  RelayRegisterResponse,
} from '../../src/wire/wavry.ts';
import { keyPairFromSeed } from '../../fixtures/wavry-common/ed25519-keys.ts';
import { verifyV4Public } from '../../fixtures/wavry-common/paseto-v4.ts';
import { startFixture, type FixtureProcess } from '../helpers/fixture-process.ts';
import { secretKeyHex } from '../../fixtures/master/signing-key.ts';

const SEED_HEX = '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb';
const KEY_ID = 'kdrill-master-test';
const SERVICE_TOKEN = 'relay-service-token';
const ADMIN_TOKEN = 'admin-token-that-is-long-enough-0123456789';
const masterKeys = keyPairFromSeed(Buffer.from(SEED_HEX, 'hex'));

async function startMaster(env: Record<string, string>): Promise<{ fixture: FixtureProcess; base: string }> {
  const fixture = await startFixture('master', { WAVRY_MASTER_LISTEN: '127.0.0.1:0', ...env });
  const info = JSON.parse(await fixture.waitForLine(/"event":"listening"/)) as FixtureListening;
  return { fixture, base: `http://${info.http}` };
}

/** A `/ws` client with a receive queue, speaking the flat dialect. */
class WsClient {
  private readonly queue: FlatSignal[] = [];
  private readonly waiters: ((message: FlatSignal) => void)[] = [];
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as FlatSignal;
      const waiter = this.waiters.shift();
      if (waiter) waiter(message);
      else this.queue.push(message);
    });
  }
  static open(url: string): Promise<WsClient> {
    const socket = new WebSocket(url, { origin: 'http://localhost:1420' });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('error', reject);
    });
  }
  send(message: FlatSignal): void {
    this.socket.send(JSON.stringify(message));
  }
  socketSend(raw: string): void {
    this.socket.send(raw);
  }
  /** The master does not answer BIND; a pong after it shows the BIND was handled (frames are handled in order). */
  bind(token: string): Promise<void> {
    this.send({ type: 'BIND', token });
    return new Promise((resolve) => {
      this.socket.once('pong', () => resolve());
      this.socket.ping();
    });
  }
  /** Messages received by the time a ping sent now comes back (the master handles a socket's frames in order). */
  async pending(): Promise<number> {
    await new Promise<void>((resolve) => {
      this.socket.once('pong', () => resolve());
      this.socket.ping();
    });
    return this.queue.length;
  }
  next(timeoutMs = 3_000): Promise<FlatSignal> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (message: FlatSignal) => {
        clearTimeout(timer);
        resolve(message);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ws message within ${timeoutMs} ms`));
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
const register = (base: string, relayId: string, endpoint: string, extra: Record<string, unknown> = {}) =>
  post(
    `${base}/v1/relays/register`,
    { relay_id: relayId, endpoints: [endpoint], max_bitrate_kbps: 100_000, features: [], ...extra },
    SERVICE_TOKEN,
  );
const heartbeat = (base: string, relayId: string, loadPct: number) =>
  post(`${base}/v1/relays/heartbeat`, { relay_id: relayId, load_pct: loadPct }, SERVICE_TOKEN);
const relays = async (base: string) => (await (await fetch(`${base}/v1/relays`)).json()) as RelayListEntry[];
const stateOf = async (base: string, relayId: string) => (await relays(base)).find((r) => r.relay_id === relayId)?.state;
const health = async (base: string) => (await (await fetch(`${base}/health`)).json()) as MasterHealth;

async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Heartbeats in the background so a relay stays fresh; returns the stop function. */
function keepAlive(base: string, relayId: string, loadPct = 10): () => void {
  const timer = setInterval(() => void heartbeat(base, relayId, loadPct).catch(() => {}), 100);
  return () => clearInterval(timer);
}

function claimsOf(token: string): LeaseClaims {
  return JSON.parse(verifyV4Public(token, masterKeys.publicKey).message.toString()) as LeaseClaims;
}

describe('master fixture', () => {
  let master: { fixture: FixtureProcess; base: string };
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    master = await startMaster({
      WAVRY_MASTER_SIGNING_KEY: secretKeyHex(Buffer.from(SEED_HEX, 'hex')),
      WAVRY_MASTER_KEY_ID: KEY_ID,
      WAVRY_MASTER_RELAY_AUTH_TOKEN: SERVICE_TOKEN,
      ADMIN_PANEL_TOKEN: ADMIN_TOKEN,
      WAVRY_MASTER_SWEEP_INTERVAL_SECS: '0.1',
      WAVRY_MASTER_STALE_SECS: '0.8',
      WAVRY_MASTER_PURGE_SECS: '1.6',
      WAVRY_MASTER_RELAY_REQUESTS_PER_MIN: '3',
    });
  });

  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await master?.fixture.stop();
  });

  it('refuses to start for a release without a profile, naming the ones there are', async () => {
    const fixture = await startFixture('master', { WAVRY_MASTER_LISTEN: '127.0.0.1:0', DRILL_RELEASE: '9.9.9' });
    expect(await fixture.exited).toBe(2);
    expect(await fixture.waitForLine(/"event":"bad_input"/)).toMatch(
      // Every profile in releases/, sorted (drill profiles such as 0.0.5-assigns-draining among them).
      /"DRILL_RELEASE \\"9\.9\.9\\" has no profile; available releases: 0\.0\.5, [^"]*0\.0\.6, 0\.0\.7, 0\.0\.8, 0\.1\.0"/,
    );
  });

  it("takes the signing key only as pasetors' 64-byte secret‖public key, and stops on a missing key file", async () => {
    const missing = await startFixture('master', { WAVRY_MASTER_LISTEN: '127.0.0.1:0', WAVRY_MASTER_KEY_FILE: '/nonexistent/master.key' });
    expect(await missing.exited).toBe(3);
    expect(await missing.waitForLine(/"event":"startup_failed"/)).toMatch(/failed to read master key file/);
    const seedOnly = await startFixture('master', { WAVRY_MASTER_LISTEN: '127.0.0.1:0', WAVRY_MASTER_SIGNING_KEY: SEED_HEX });
    expect(await seedOnly.exited).toBe(2);
    expect(await seedOnly.waitForLine(/"event":"bad_input"/)).toMatch(/64-byte Ed25519 secret key/);
  });

  it('registers relays with the service token and valid input only, and becomes ready with one', async () => {
    const { base } = master;
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    const wellKnown = (await (await fetch(`${base}/.well-known/wavry-id`)).json()) as Record<string, string>;
    expect(wellKnown).toEqual({ public_key: masterKeys.publicKeyRaw.toString('hex'), key_id: KEY_ID, version: '1.0' });

    const unauthorized = await post(`${base}/v1/relays/register`, { relay_id: 'r-x', endpoints: ['127.0.0.1:4000'], features: [] });
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.text()).toBe('');
    const empty = await post(`${base}/v1/relays/register`, { relay_id: 'r-x', endpoints: [] }, SERVICE_TOKEN);
    expect([empty.status, await empty.text()]).toEqual([400, '']);
    // axum's Json extractor answers before the handler (so before the token check): 422 for the wrong shape, 400 for no JSON.
    expect((await post(`${base}/v1/relays/register`, { relay_id: 'r-x', endpoints: 'nope' })).status).toBe(422);
    const garbled = await fetch(`${base}/v1/relays/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(garbled.status).toBe(400);
    expect((await heartbeat(base, 'r-unknown', 10)).headers.get('content-length')).toBe('0');
    const lowBitrate = await register(base, 'r-x', '127.0.0.1:4000', { max_bitrate_kbps: 5_000 });
    expect(lowBitrate.status).toBe(400);
    expect(lowBitrate.headers.get('content-type')).toMatch(/^text\/plain/);

    const response = await register(base, 'r-one', '127.0.0.1:4001');
    expect(response.status).toBe(200);
    const body = (await response.json()) as RelayRegisterResponse;
    expect(body).toEqual({ heartbeat_interval_ms: 5000, master_public_key: [...masterKeys.publicKeyRaw], master_key_id: KEY_ID });
    expect(await stateOf(base, 'r-one')).toBe('New');
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, relays_assignable: 1, provisioned_signing_key: true, signing_key_id: KEY_ID });
    await post(`${base}/v1/relays/register`, { relay_id: 'r-default', endpoints: ['127.0.0.9:4000'] }, SERVICE_TOKEN);
    expect((await relays(base)).find((r) => r.relay_id === 'r-default')?.max_bitrate_kbps).toBe(10_000);
    expect((await heartbeat(base, 'r-unknown', 10)).status).toBe(404);
  });

  it('derives Active, Probation and Degraded from load_pct', async () => {
    const { base } = master;
    await register(base, 'r-load', '127.0.0.1:4002');
    for (const [load, state] of [
      [90, 'Probation'],
      [96, 'Degraded'],
      [10, 'Active'],
      [85, 'Probation'],
      [95, 'Degraded'],
    ] as const) {
      expect((await heartbeat(base, 'r-load', load)).status).toBe(200);
      expect(await stateOf(base, 'r-load')).toBe(state);
    }
    expect((await heartbeat(base, 'r-load', 101)).status).toBe(400);
  });

  it('quarantines a silent relay, revives it on its next heartbeat and purges it later', async () => {
    const { base } = master;
    await register(base, 'r-silent', '127.0.0.1:4003');
    await until(
      () => stateOf(base, 'r-silent'),
      (s) => s === 'Quarantined',
      'r-silent state',
    );
    expect((await heartbeat(base, 'r-silent', 50)).status).toBe(200);
    expect(await stateOf(base, 'r-silent')).toBe('Active');
    await until(
      () => stateOf(base, 'r-silent'),
      (s) => s === undefined,
      'r-silent purge',
    );
    expect((await heartbeat(base, 'r-silent', 50)).status).toBe(404);
  });

  it('keeps an admin-set Draining relay out of selection until it is set Active again', async () => {
    const { base } = master;
    await register(base, 'r-drain', '127.0.0.1:4004');
    cleanups.push(keepAlive(base, 'r-drain'));
    const update = (token: string, relayId: string, state: string) =>
      post(`${base}/admin/api/relays/update_state`, { relay_id: relayId, new_state: state }, token);
    expect((await update('wrong-token-wrong-token-wrong-token!', 'r-drain', 'Draining')).status).toBe(401);
    expect((await update(ADMIN_TOKEN, 'r-nope', 'Draining')).status).toBe(404);
    expect((await update(ADMIN_TOKEN, 'r-drain', 'Draining')).status).toBe(200);
    await until(
      () => health(base),
      (h) => h.relays_assignable === 0,
      'assignable relays',
    );
    expect(await stateOf(base, 'r-drain')).toBe('Draining');

    const [requester, target] = await Promise.all([
      WsClient.open(`${base.replace('http', 'ws')}/ws`),
      WsClient.open(`${base.replace('http', 'ws')}/ws`),
    ]);
    cleanups.push(
      () => requester.close(),
      () => target.close(),
    );
    await Promise.all([requester.bind('aaaaaaaa-requester'), target.bind('bbbbbbbb-target')]);
    requester.send({ type: 'REQUEST_RELAY', target_username: 'user_bbbbbbbb' });
    // No relay: no answer. Nor to a message for a user not connected, an unreadable frame or an unbound socket.
    requester.send({ type: 'CANDIDATE', target_username: 'user_nobody', candidate: 'probe' });
    requester.socketSend('not json');
    expect(await requester.pending()).toBe(0);
    // No Origin, or one not on the list: 403 at the upgrade.
    for (const origin of [undefined, 'http://elsewhere.example']) {
      const refused = new WebSocket(`${base.replace('http', 'ws')}/ws`, origin ? { origin } : {});
      // Aborting the refused handshake makes ws emit 'error' ("closed before the connection was established").
      refused.on('error', () => {});
      const status = await new Promise<number>((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
      refused.terminate();
      expect(status).toBe(403);
    }
    const unbound = await WsClient.open(`${base.replace('http', 'ws')}/ws`);
    cleanups.push(() => unbound.close());
    unbound.send({ type: 'REQUEST_RELAY', target_username: 'user_bbbbbbbb' });
    expect(await unbound.pending()).toBe(0);

    expect((await update(ADMIN_TOKEN, 'r-drain', 'Active')).status).toBe(200);
    requester.send({ type: 'REQUEST_RELAY', target_username: 'user_bbbbbbbb' });
    const [mine, theirs] = await Promise.all([requester.next(), target.next()]);
    expect(mine).toMatchObject({ type: 'RELAY_CREDENTIALS', relay_id: 'r-drain', addr: '127.0.0.1:4004' });
    expect(theirs).toMatchObject({ type: 'RELAY_CREDENTIALS', relay_id: 'r-drain', addr: '127.0.0.1:4004' });
    if (mine.type !== 'RELAY_CREDENTIALS' || theirs.type !== 'RELAY_CREDENTIALS') throw new Error('expected credentials');
    expect(theirs.session_id).toBe(mine.session_id);
    const requesterClaims = claimsOf(mine.token);
    expect(Object.keys(requesterClaims).sort()).toEqual([
      'exp',
      'exp_rfc3339',
      'hlimit',
      'iat',
      'iat_rfc3339',
      'kid',
      'nbf',
      'nbf_rfc3339',
      'rid',
      'role',
      'sid',
      'slimit',
      'sub',
      'wavry_id',
    ]);
    expect(requesterClaims).toMatchObject({
      sub: 'user_aaaaaaaa',
      sid: mine.session_id,
      role: 'server',
      rid: 'r-drain',
      kid: KEY_ID,
      slimit: 50_000,
      hlimit: 100_000,
    });
    expect(claimsOf(theirs.token)).toMatchObject({ sub: 'user_bbbbbbbb', role: 'client' });
    const iat = Date.parse(requesterClaims.iat_rfc3339);
    expect(Date.parse(requesterClaims.exp_rfc3339) - iat).toBe(900_000);
    expect(iat - Date.parse(requesterClaims.nbf_rfc3339)).toBe(5_000);
    // pasetors' registered claims: iat = nbf = issue time, exp one hour on, whatever the lease TTL.
    expect(Date.parse(requesterClaims.iat)).toBe(iat);
    expect(Date.parse(requesterClaims.nbf)).toBe(iat);
    expect(Date.parse(requesterClaims.exp) - iat).toBe(3_600_000);
    expect(requesterClaims.wavry_id).toBe('user_aaaaaaaa');
  });

  it('answers a user over the relay request limit with ERROR 429', async () => {
    const ws = `${master.base.replace('http', 'ws')}/ws`;
    const [requester, target] = await Promise.all([WsClient.open(ws), WsClient.open(ws)]);
    cleanups.push(
      () => requester.close(),
      () => target.close(),
    );
    await Promise.all([requester.bind('cccccccc-limited'), target.bind('dddddddd-target')]);
    for (let i = 0; i < 4; i += 1) requester.send({ type: 'REQUEST_RELAY', target_username: 'user_dddddddd' });
    const replies = await Promise.all([requester.next(), requester.next(), requester.next(), requester.next()]);
    expect(replies.filter((r) => r.type === 'RELAY_CREDENTIALS')).toHaveLength(3);
    expect(replies).toContainEqual({ type: 'ERROR', code: 429, message: 'Lease rate limit exceeded. Please wait a moment.' });
  });

  it('refuses a sixth relay on one IP, and a registered one re-registering (its own entry counts) until purged', async () => {
    const { base } = master;
    for (let i = 1; i <= 5; i += 1) expect((await register(base, `r-sybil-${i}`, `127.0.0.2:500${i}`)).status).toBe(200);
    const sixth = await register(base, 'r-sybil-6', '127.0.0.2:5006');
    expect([sixth.status, await sixth.text()]).toEqual([403, '']);
    expect((await register(base, 'r-sybil-1', '127.0.0.2:5001')).status).toBe(403);
    // Nobody heartbeats: once the sweep purges them (1.6 s here, 600 s by default) the IP is free again.
    await until(
      () => relays(base),
      (list) => !list.some((r) => r.relay_id.startsWith('r-sybil-')),
      'sybil relays purged',
    );
    expect((await register(base, 'r-sybil-1', '127.0.0.2:5001')).status).toBe(200);
  });

  it('picks relays at random by weight, not always the best scored one', async () => {
    const { base } = master;
    await register(base, 'r-idle', '127.0.0.4:4001');
    await register(base, 'r-busy', '127.0.0.4:4002');
    cleanups.push(keepAlive(base, 'r-idle', 0), keepAlive(base, 'r-busy', 50));
    await until(
      async () => [await stateOf(base, 'r-idle'), await stateOf(base, 'r-busy')],
      (states) => states.every((state) => state === 'Active'),
      'both relays Active',
    );
    const client = await WsClient.open(`${base.replace('http', 'ws')}/ws`);
    cleanups.push(() => client.close());
    const picked = new Set<string>();
    // A new user per request (the lease limit is per user); weights 11.75 (idle) and 10 (busy) over the others'.
    for (let i = 0; i < 24; i += 1) {
      await client.bind(`pick${String(i).padStart(4, '0')}-user`);
      client.send({ type: 'REQUEST_RELAY', target_username: 'user_nobody' });
      const reply = await client.next();
      if (reply.type === 'RELAY_CREDENTIALS') picked.add(reply.relay_id ?? '');
    }
    expect(picked.has('r-idle') && picked.has('r-busy')).toBe(true);
  });

  it('release 0.1.0 gives the requester the client lease and says when no relay is free; a short admin token disables admin', async () => {
    const other = await startMaster({ DRILL_RELEASE: '0.1.0', WAVRY_MASTER_SIGNING_KEY: secretKeyHex(Buffer.from(SEED_HEX, 'hex')), ADMIN_PANEL_TOKEN: 'too-short' });
    cleanups.push(() => void other.fixture.stop());
    expect((await health(other.base)).release).toBe('0.1.0');
    const ws = `${other.base.replace('http', 'ws')}/ws`;
    const [requester, target] = await Promise.all([WsClient.open(ws), WsClient.open(ws)]);
    cleanups.push(
      () => requester.close(),
      () => target.close(),
    );
    await Promise.all([requester.bind('eeeeeeee'), target.bind('ffffffff')]);
    requester.send({ type: 'REQUEST_RELAY', target_username: 'user_ffffffff' });
    expect(await requester.next()).toEqual({ type: 'ERROR', code: 503, message: 'No relay available' });

    expect((await register(other.base, 'r-target', '127.0.0.1:4010')).status).toBe(200);
    const update = await post(`${other.base}/admin/api/relays/update_state`, { relay_id: 'r-target', new_state: 'Draining' }, 'too-short');
    expect(update.status).toBe(401);
    requester.send({ type: 'REQUEST_RELAY', target_username: 'user_ffffffff' });
    const [mine, theirs] = await Promise.all([requester.next(), target.next()]);
    if (mine.type !== 'RELAY_CREDENTIALS' || theirs.type !== 'RELAY_CREDENTIALS') throw new Error('expected credentials');
    expect(claimsOf(mine.token).role).toBe('client');
    expect(claimsOf(theirs.token).role).toBe('server');
    expect(claimsOf(mine.token).kid).toBe(`k${masterKeys.publicKeyRaw.subarray(0, 8).toString('hex')}`);
    for (let i = 1; i <= 5; i += 1) await register(other.base, `r-own-${i}`, `127.0.0.3:500${i}`);
    expect((await register(other.base, 'r-own-1', '127.0.0.3:5001')).status).toBe(200);
    await other.fixture.stop();
  });
});
