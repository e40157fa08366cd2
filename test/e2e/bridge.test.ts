/**
 * The bridge stand-in (fixtures/bridge) as a real process on loopback: public REST and websocket API with
 * upstream's shapes and texts, at-most-once fan-out, the oracle log, faults and restart.
 */
import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import type {
  BridgeStats,
  InjectMessage,
  InjectResponse,
  ReceiveFrame,
  SendRecord,
  SendResponseArray,
  SendsResponse,
} from '../../src/wire/signal.ts';
import { startFixture, type FixtureProcess } from '../helpers/fixture-process.ts';

interface RunningBridge {
  fixture: FixtureProcess;
  api: string;
  control: string;
}

/** The JSON bodies these tests read fields of: error bodies, /v1/about, the restart answer. */
type Reply = { error: string; version: string; mode: string; downAtMs: number; upAtMs: number } | undefined;

interface Receiver {
  ws: WebSocket;
  frames: ReceiveFrame[];
  closed: Promise<number>;
}

const BOT = '+15550000001';
const USER = '+15551230001';
/** `group.` + base64(signal-cli's base64 id of 32 raw bytes). */
const GROUP_ID = Buffer.alloc(32, 7).toString('base64');
const GROUP = `group.${Buffer.from(GROUP_ID).toString('base64')}`;
const opened: WebSocket[] = [];

/** MODE is always set: vitest exports MODE=test (Vite's mode) to children. */
async function startBridge(env: Record<string, string> = {}): Promise<RunningBridge> {
  const fixture = await startFixture('bridge', { DRILL_RELEASE: '0.100', MODE: 'json-rpc', PORT: '0', DRILL_CONTROL_PORT: '0', ...env });
  const { port, controlPort } = JSON.parse(await fixture.waitForLine(/"event":"listening"/)) as { port: number; controlPort: number };
  return { fixture, api: `http://127.0.0.1:${port}`, control: `http://127.0.0.1:${controlPort}` };
}

async function call<T = Reply>(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json: json as T, headers: response.headers };
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

function openReceiver(api: string, number: string): Promise<Receiver> {
  const ws = new WebSocket(`${api.replace('http', 'ws')}/v1/receive/${number}`);
  opened.push(ws);
  const frames: ReceiveFrame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as ReceiveFrame));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('error', reject);
  });
}

describe('bridge stand-in, release 0.100', () => {
  let bridge: RunningBridge;
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(bridge.api, method, path, body, headers);
  const control = <T = Reply>(method: string, path: string, body?: unknown) => call<T>(bridge.control, method, path, body);
  const inject = async (account: string, messages: InjectMessage[]) =>
    (await control<InjectResponse>('POST', '/_drill/inject', { account, messages })).json;
  const stats = async () => (await control<BridgeStats>('GET', '/_drill/stats')).json;
  const lastSeq = async () => (await control<SendsResponse>('GET', '/_drill/sends?since=0')).json.next;
  const sendsSince = async (seq: number) => (await control<SendsResponse>('GET', `/_drill/sends?since=${seq}`)).json.sends;
  const send = (body: unknown, headers?: Record<string, string>) => api('POST', '/v2/send', body, headers);

  beforeAll(async () => {
    bridge = await startBridge();
  });
  afterAll(async () => {
    await bridge?.fixture.stop();
  });
  afterEach(async () => {
    for (const ws of opened.splice(0)) ws.terminate();
    await control('DELETE', '/_drill/faults');
    await control('PUT', '/_drill/config', { mode: 'json-rpc', sendResponseShape: 'object', version: '0.100' });
  });

  test('GET /v1/about reports the release; GET /v1/health is an empty 204', async () => {
    const about = await api('GET', '/v1/about');
    expect(about.status).toBe(200);
    expect(about.json).toEqual({
      versions: ['v1', 'v2'],
      build: 2,
      mode: 'json-rpc',
      version: '0.100',
      capabilities: { 'v2/send': ['quotes', 'mentions'] },
    });
    const health = await api('GET', '/v1/health');
    expect(health.status).toBe(204);
    expect(health.text).toBe('');
    expect((await api('GET', '/v1/nothing')).text).toBe('404 page not found');
  });

  test.each([
    ['bad JSON', 'not json', "Couldn't process request - invalid request"],
    ['a field of the wrong type', { number: BOT, recipients: USER }, "Couldn't process request - invalid request"],
    ['no recipients', { number: BOT, message: 'x' }, "Couldn't process request - please provide at least one recipient"],
    ['an empty number', { number: '', recipients: [USER] }, "Couldn't process request - please provide a valid number"],
    ['only the hidden recipient field, no number', { recipient: USER }, "Couldn't process request - please provide a valid number"],
    [
      'a sticker without ":"',
      { number: BOT, recipients: [USER], sticker: 'pack' },
      "Couldn't process request - please provide valid sticker delimiter",
    ],
    [
      'view_once without attachments',
      { number: BOT, recipients: [USER], view_once: true },
      "'view_once' can only be set for image attachments!",
    ],
    [
      'a group and a number',
      { number: BOT, recipients: [USER, GROUP] },
      'Signal Messenger Groups and phone numbers cannot be specified together in one request! Please split them up into multiple REST API calls.',
    ],
    [
      'a group and a username',
      { number: BOT, recipients: [GROUP, 'alice.42'] },
      'Signal Messenger Groups and usernames cannot be specified together in one request! Please split them up into multiple REST API calls.',
    ],
    [
      'a number and a username',
      { number: BOT, recipients: [USER, 'alice.42'] },
      'Signal Messenger phone numbers and usernames cannot be specified together in one request! Please split them up into multiple REST API calls.',
    ],
    [
      'two groups',
      { number: BOT, recipients: [GROUP, `group.${Buffer.from(Buffer.alloc(32, 9).toString('base64')).toString('base64')}`] },
      'A signal message cannot be sent to more than one group at once! Please use multiple REST API calls for that.',
    ],
    [
      'a group id of 16 bytes',
      { number: BOT, recipients: [`group.${Buffer.from(Buffer.alloc(16).toString('base64')).toString('base64')}`] },
      'Invalid Signal group size (16',
    ],
    [
      'a group id that is not base64',
      { number: BOT, recipients: ['group.not-base64-at-all'] },
      'Invalid identifier group.not-base64-at-all',
    ],
  ])('POST /v2/send with %s → 400', async (_case, body, error) => {
    const before = await stats();
    const response = await send(body);
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error });
    const after = await stats();
    expect(after.sendsRejected).toBe(before.sendsRejected + 1);
    expect(after.sendsAccepted).toBe(before.sendsAccepted);
  });

  test('POST /v2/send accepts numbers, UUIDs, a group and the hidden recipient field with 201 {"timestamp"}', async () => {
    const seq = await lastSeq();
    const bodies = [
      { number: BOT, recipients: [USER, '+15551230002'], message: 'two' },
      { number: BOT, recipients: ['0b7a1e39-4d8c-4f7e-9a55-2f9a3c4d5e6f'], message: 'uuid' },
      { number: BOT, recipients: [GROUP], message: 'group' },
      { number: BOT, recipient: USER, message: 'hidden' },
      { number: BOT, recipients: ['alice.42'], message: 'username' },
    ];
    const responses = await Promise.all(bodies.map((body) => send(body)));
    for (const response of responses) {
      expect(response.status).toBe(201);
      expect(response.json).toEqual({ timestamp: expect.stringMatching(/^[0-9]{13}$/) });
    }
    const records = await sendsSince(seq);
    expect(records.map((r) => r.message).sort()).toEqual(['group', 'hidden', 'two', 'username', 'uuid']);
    expect(records.find((r) => r.message === 'hidden')?.recipients).toEqual([USER]);
  });

  test('a raw group id without "group." is a username signal-cli cannot resolve: 400 "The user X is not registered.", nothing sent', async () => {
    const seq = await lastSeq();
    const response = await send({ number: BOT, recipients: [GROUP_ID], message: 'reply' });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: `The user ${GROUP_ID} is not registered.` });
    expect(await sendsSince(seq)).toEqual([]);
  });

  test('recipient failures: a 1:1 send with none delivered is a 400; a group send is a 201 whose 0.100 body hides them', async () => {
    const seq = await lastSeq();
    await control('PUT', '/_drill/faults', { recipientFailures: { share: 1, reason: 'UNREGISTERED_FAILURE' } });
    expect(await send({ number: BOT, recipients: [USER], message: 'lost' })).toMatchObject({ status: 400, json: { error: 'Failed to send message' } });
    await control('PUT', '/_drill/faults', { recipientFailures: { share: 1, reason: 'IDENTITY_FAILURE' } });
    expect((await send({ number: BOT, recipients: [USER], message: 'lost' })).json).toEqual({
      error: 'Unable to complete request due to untrusted recipient keys',
    });
    const group = await send({ number: BOT, recipients: [GROUP], message: 'to the group' });
    expect(group.status).toBe(201);
    expect(group.json).toEqual({ timestamp: expect.stringMatching(/^[0-9]+$/) });
    const [record] = await sendsSince(seq);
    expect(record?.recipientErrors).toHaveLength(3);
    expect(record?.recipientErrors?.every((e) => e.reason === 'IDENTITY_FAILURE' && typeof e.uuid === 'string')).toBe(true);
  });

  test('reactions, typing, receipts and remote delete: missing fields name the field; accepted calls are recorded', async () => {
    const path = `/v1/reactions/${BOT}`;
    const missing = (field: string) => ({ error: `Couldn't process request - ${field} missing` });
    expect((await api('POST', path, {})).json).toEqual(missing('recipient'));
    expect((await api('POST', path, { recipient: USER })).json).toEqual(missing('reaction'));
    expect((await api('POST', path, { recipient: USER, reaction: '👍' })).json).toEqual(missing('target_author'));
    expect((await api('POST', path, { recipient: USER, reaction: '👍', target_author: USER })).json).toEqual(missing('timestamp'));
    expect((await api('PUT', `/v1/typing-indicator/${BOT}`, '{')).json).toEqual({ error: "Couldn't process request - invalid request" });
    const receipt = { recipient: USER, receipt_type: 'seen', timestamp: 5 };
    expect((await api('POST', `/v1/receipts/${BOT}`, receipt)).json).toEqual({
      error: "Couldn't process request - receipt type must be read or viewed",
    });

    const seq = await lastSeq();
    expect((await api('POST', path, { recipient: USER, reaction: '👍', target_author: USER, timestamp: 1_700_000_000_000 })).status).toBe(
      204,
    );
    expect((await api('DELETE', path, { recipient: USER, target_author: USER, timestamp: 1_700_000_000_000 })).status).toBe(204);
    expect((await api('PUT', `/v1/typing-indicator/${BOT}`, { recipient: USER })).status).toBe(204);
    expect((await api('DELETE', `/v1/typing-indicator/${BOT}`, { recipient: USER })).status).toBe(204);
    expect((await api('POST', `/v1/receipts/${BOT}`, { ...receipt, receipt_type: 'read' })).status).toBe(204);
    const remoteDelete = await api('DELETE', `/v1/remote-delete/${BOT}`, { recipient: USER, timestamp: 5 });
    expect(remoteDelete.status).toBe(201);
    expect(remoteDelete.json).toEqual({ timestamp: expect.stringMatching(/^[0-9]+$/) });

    const records = await sendsSince(seq);
    expect(records.map((r) => [r.route, r.method, r.message])).toEqual([
      ['/v1/reactions/{number}', 'POST', '👍'],
      ['/v1/reactions/{number}', 'DELETE', null],
      ['/v1/typing-indicator/{number}', 'PUT', null],
      ['/v1/typing-indicator/{number}', 'DELETE', null],
    ]);
    expect(records[0]).toMatchObject({ number: BOT, recipients: [USER], quoteTimestamp: 1_700_000_000_000, quoteAuthor: USER });
  });

  test('every socket of an account gets every frame; other accounts get none', async () => {
    const [a1, a2, b] = await Promise.all([
      openReceiver(bridge.api, '+15550000010'),
      openReceiver(bridge.api, '+15550000010'),
      openReceiver(bridge.api, '+15550000011'),
    ]);
    expect((await inject('+15550000010', [{ source: USER, timestamp: 1, message: 'to a' }])).delivered).toEqual([2]);
    expect((await inject('+15550000011', [{ source: USER, timestamp: 2, message: 'to b' }])).delivered).toEqual([1]);
    await waitUntil(() => a1.frames.length === 1 && a2.frames.length === 1 && b.frames.length === 1, 'one frame on each socket');
    expect([a1, a2].map((r) => r.frames[0]?.envelope.dataMessage?.message)).toEqual(['to a', 'to a']);
    expect(b.frames[0]).toMatchObject({ account: '+15550000011', envelope: { dataMessage: { message: 'to b' } } });
  });

  test('control stats count receive sockets per account when asked; a closed socket leaves the count', async () => {
    const [a1, a2] = await Promise.all([openReceiver(bridge.api, '+15550000020'), openReceiver(bridge.api, '+15550000020'), openReceiver(bridge.api, '+15550000021')]);
    const forAccount = async (account: string) => (await control<BridgeStats>('GET', `/_drill/stats?account=${encodeURIComponent(account)}`)).json.subscribers;
    expect(await forAccount('+15550000020')).toBe(2);
    expect(await forAccount('+15550000021')).toBe(1);
    expect(await forAccount('+15550000022')).toBe(0);
    expect((await stats()).subscribers).toBe(3);
    a1!.ws.close();
    a2!.ws.terminate();
    await Promise.all([a1!.closed, a2!.closed]);
    await waitUntil(async () => (await forAccount('+15550000020')) === 0, 'both sockets of the account gone at the bridge');
    expect((await stats()).subscribers).toBe(1);
  });

  test('client frames are ignored; one over 512 bytes closes the socket (the read limit upstream)', async () => {
    const account = '+15550000019';
    const receiver = await openReceiver(bridge.api, account);
    receiver.ws.send('x'.repeat(512));
    expect((await inject(account, [{ source: USER, timestamp: 40 }])).delivered).toEqual([1]);
    await waitUntil(() => receiver.frames.length === 1, 'a frame after a client frame');
    receiver.ws.send('x'.repeat(513));
    expect(await receiver.closed).toBe(1009);
  });

  test('envelopes carry signal-cli fields for data, group, sync, receipt and typing messages', async () => {
    const account = '+15550000012';
    const receiver = await openReceiver(bridge.api, account);
    await inject(account, [
      { source: USER, sourceName: 'Ann', timestamp: 1_700_000_000_001, message: 'hello' },
      { source: USER, timestamp: 1_700_000_000_002, message: 'in group', groupId: GROUP_ID, groupName: 'Team' },
      { source: USER, timestamp: 1_700_000_000_003, message: 'from my phone', kind: 'sync' },
      { source: USER, timestamp: 1_700_000_000_001, kind: 'receipt' },
      { source: USER, timestamp: 1_700_000_000_004, kind: 'typing' },
    ]);
    await waitUntil(() => receiver.frames.length === 5, 'five frames');
    const [data, group, sync, receipt, typing] = receiver.frames.map((f) => f.envelope);
    expect(receiver.frames.every((f) => f.account === account)).toBe(true);
    expect(data).toMatchObject({ source: USER, sourceNumber: USER, sourceName: 'Ann', sourceDevice: 1, timestamp: 1_700_000_000_001 });
    expect(data?.sourceUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(group?.sourceUuid).toBe(data?.sourceUuid);
    expect(data?.serverReceivedTimestamp).toEqual(expect.any(Number));
    // JsonDataMessage writes isExpirationUpdate and viewOnce always; JsonGroupInfo all four of its fields.
    expect(data?.dataMessage).toEqual({
      timestamp: 1_700_000_000_001,
      message: 'hello',
      expiresInSeconds: 0,
      isExpirationUpdate: false,
      viewOnce: false,
    });
    expect(group?.dataMessage?.groupInfo).toEqual({ groupId: GROUP_ID, groupName: 'Team', revision: 0, type: 'DELIVER' });
    expect(sync).toMatchObject({ source: account, syncMessage: { sentMessage: { destination: USER, message: 'from my phone' } } });
    expect(receipt?.receiptMessage).toMatchObject({ isDelivery: true, timestamps: [1_700_000_000_001] });
    expect(typing?.typingMessage).toEqual({ action: 'STARTED', timestamp: 1_700_000_000_004 });
  });

  test('a frame with no subscriber is dropped and counted', async () => {
    const before = await stats();
    const response = await inject('+15550000013', [
      { source: USER, timestamp: 3 },
      { source: USER, timestamp: 4 },
    ]);
    expect(response).toEqual({ delivered: [0, 0], dropped: 2 });
    expect((await stats()).framesDropped).toBe(before.framesDropped + 2);
  });

  test('one socket that stops reading stalls the shared write mutex: a fast socket misses frames too, until the slow one drains', async () => {
    const account = '+15550000014';
    const [fast, slow] = await Promise.all([openReceiver(bridge.api, account), openReceiver(bridge.api, account)]);
    slow.ws.pause();
    const before = await stats();
    const text = 'x'.repeat(200_000);
    let sent = 0;
    let missedByBoth = 0;
    // Bounded: enough bytes to fill the slow socket's kernel buffers several times over.
    for (let batch = 0; batch < 60 && missedByBoth < 5; batch++) {
      const messages = Array.from({ length: 5 }, (_, i) => ({ source: USER, timestamp: 10_000 + sent + i, message: text }));
      const { delivered } = await inject(account, messages);
      sent += messages.length;
      missedByBoth += delivered.filter((n) => n === 0).length;
      await sleep(20);
    }
    expect(missedByBoth).toBeGreaterThanOrEqual(5);
    const fastBefore = fast.frames.length;
    await sleep(300);
    expect(fast.frames.length).toBe(fastBefore); // stalled: its next frame waits behind the slow socket's write
    expect(fastBefore).toBeLessThan(sent);
    expect((await stats()).framesDropped).toBeGreaterThanOrEqual(before.framesDropped + 2 * missedByBoth);
    slow.ws.resume();
    await waitUntil(() => fast.frames.length > fastBefore, 'the fast socket to get its waiting frame once the slow one drains');
    await waitUntil(async () => (await inject(account, [{ source: USER, timestamp: 20_000 + sent++ }])).delivered[0] === 2, 'both sockets taking frames again');
    await waitUntil(() => fast.frames.at(-1)?.envelope.timestamp === 20_000 + sent - 1, 'the last frame on the fast socket');
  });

  test('the oracle log and the oracle websocket carry each accepted send with its Idempotency-Key', async () => {
    const seq = await lastSeq();
    const pushed: SendRecord[] = [];
    const oracle = new WebSocket(`${bridge.control.replace('http', 'ws')}/_drill/oracle`);
    opened.push(oracle);
    oracle.on('message', (data) => pushed.push(JSON.parse(String(data)) as SendRecord));
    await new Promise((resolve) => oracle.once('open', resolve));
    const startedAt = Date.now();
    const response = await send(
      { number: BOT, recipients: [USER], message: 'reply', quote_timestamp: 1_700_000_000_001, quote_author: USER },
      { 'Idempotency-Key': 'key-1' },
    );
    expect(response.status).toBe(201);
    const records = await sendsSince(seq);
    expect(records).toEqual([
      {
        seq: seq + 1,
        route: '/v2/send',
        method: 'POST',
        number: BOT,
        recipients: [USER],
        message: 'reply',
        quoteTimestamp: 1_700_000_000_001,
        quoteAuthor: USER,
        idempotencyKey: 'key-1',
        receivedAtMs: expect.any(Number),
      },
    ]);
    expect(records[0]!.receivedAtMs).toBeGreaterThanOrEqual(startedAt - 1);
    expect(records[0]!.receivedAtMs).toBeLessThanOrEqual(Date.now());
    await waitUntil(() => pushed.length === 1, 'the oracle push');
    expect(pushed).toEqual(records);
    expect(await control('GET', `/_drill/sends?since=${seq + 1}`).then((r) => r.json)).toEqual({ next: seq + 1, sends: [] });

    const replay: SendRecord[] = [];
    const late = new WebSocket(`${bridge.control.replace('http', 'ws')}/_drill/oracle?since=${seq}`);
    opened.push(late);
    late.on('message', (data) => replay.push(JSON.parse(String(data)) as SendRecord));
    await waitUntil(() => replay.length === 1, 'the oracle replay');
    expect(replay).toEqual(records);
  });

  test('latency fault: a route answers no sooner than its base plus added latency', async () => {
    const timed = async () => {
      const startedAt = performance.now();
      expect((await send({ number: BOT, recipients: [USER], message: 'slow' })).status).toBe(201);
      return performance.now() - startedAt;
    };
    expect(await timed()).toBeGreaterThanOrEqual(145);
    await control('PUT', '/_drill/faults', { latencyMs: { '/v2/send': 300 } });
    expect(await timed()).toBeGreaterThanOrEqual(445);
  });

  test('hang fault: calls to signal-cli get no answer until the fault is cleared; health and validation still answer', async () => {
    await control('PUT', '/_drill/faults', { hang: ['*'] });
    const seq = await lastSeq();
    const hung = send({ number: BOT, recipients: [USER], message: 'stuck' });
    const hungReaction = api('POST', `/v1/reactions/${BOT}`, { recipient: USER, reaction: '👍', target_author: USER, timestamp: 5 });
    expect((await api('GET', '/v1/health')).status).toBe(204);
    expect((await send({ number: BOT })).status).toBe(400);
    const state = await Promise.race([Promise.all([hung, hungReaction]).then(() => 'answered'), sleep(300).then(() => 'pending')]);
    expect(state).toBe('pending');
    expect(await sendsSince(seq)).toEqual([]);
    await control('DELETE', '/_drill/faults');
    expect((await hung).status).toBe(201);
    expect((await hungReaction).status).toBe(204);
  });

  test('unlinked device in json-rpc mode: -32602 "Specified account does not exist", a silent socket, then exception frames after re-linking', async () => {
    const account = '+15550000015';
    const other = '+15551230002';
    const receiver = await openReceiver(bridge.api, account);
    await control('PUT', '/_drill/faults', { unregistered: true });
    const response = await send({ number: account, recipients: [USER], message: 'x' });
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'Specified account does not exist' });
    const reaction = { recipient: USER, reaction: '👍', target_author: USER, timestamp: 1 };
    expect((await api('POST', `/v1/reactions/${account}`, reaction)).json).toEqual({ error: 'Specified account does not exist' });
    expect(await inject(account, [{ source: USER, timestamp: 20 }])).toEqual({ delivered: [0], dropped: 1 });
    expect(receiver.ws.readyState).toBe(WebSocket.OPEN);
    await control('DELETE', '/_drill/faults');
    // The re-linked device has no sessions: each sender's first message cannot be decrypted.
    await inject(account, [
      { source: USER, timestamp: 21, message: 'first' },
      { source: USER, timestamp: 22, message: 'second' },
      { source: other, timestamp: 23, message: 'first of another' },
    ]);
    await waitUntil(() => receiver.frames.length === 3, 'three frames after re-linking');
    const [first, second, third] = receiver.frames;
    const undecryptable = { account, exception: { message: expect.any(String), type: 'ProtocolNoSessionException' } };
    expect(first).toMatchObject({ ...undecryptable, envelope: { source: null, sourceUuid: null, timestamp: 21 } });
    expect(first?.envelope).not.toHaveProperty('dataMessage');
    expect(second).toMatchObject({ envelope: { source: USER, dataMessage: { message: 'second' } } });
    expect(second).not.toHaveProperty('exception');
    expect(third).toMatchObject({ ...undecryptable, envelope: { timestamp: 23 } });
  });

  test('not-registered fault in json-rpc mode: calls answer 400 "User +X is not registered.", frames still arrive, then a relink', async () => {
    const account = '+15550000016';
    const receiver = await openReceiver(bridge.api, account);
    await control('PUT', '/_drill/faults', { notRegistered: true });
    const response = await send({ number: account, recipients: [USER], message: 'x' });
    expect(response).toMatchObject({ status: 400, json: { error: `User ${account} is not registered.\n` } });
    expect(await inject(account, [{ source: USER, timestamp: 30, message: 'still here' }])).toEqual({ delivered: [1], dropped: 0 });
    await waitUntil(() => receiver.frames.length === 1, 'the frame sent while not registered');
    expect(receiver.frames[0]).toMatchObject({ envelope: { source: USER, dataMessage: { message: 'still here' } } });
    await control('DELETE', '/_drill/faults');
    expect((await send({ number: account, recipients: [USER], message: 'y' })).status).toBe(201);
    // Relinked: a new device without sessions, as after `unregistered`.
    await inject(account, [{ source: USER, timestamp: 31, message: 'after relink' }]);
    await waitUntil(() => receiver.frames.length === 2, 'the frame after the relink');
    expect(receiver.frames[1]).toMatchObject({ account, exception: { type: 'ProtocolNoSessionException' }, envelope: { timestamp: 31 } });
  });

  test('normal mode answers an unlinked account with the CLI text "User +X is not registered."', async () => {
    await control('PUT', '/_drill/config', { mode: 'normal' });
    await control('PUT', '/_drill/faults', { unregistered: true });
    const response = await send({ number: BOT, recipients: [USER], message: 'x' });
    expect(response).toMatchObject({ status: 400, json: { error: `User ${BOT} is not registered.\n` } });
  });

  test('rate-limit fault: sends answer 429 with challenge tokens and the account; other routes 400', async () => {
    await control('PUT', '/_drill/faults', { rateLimited: true });
    const response = await send({ number: BOT, recipients: [USER], message: 'x' });
    expect(response.status).toBe(429);
    expect(response.json).toEqual({
      error: expect.stringContaining('Use the attached challenge tokens'),
      challenge_tokens: [expect.stringMatching(/.+/)],
      account: BOT,
    });
    const typing = await api('PUT', `/v1/typing-indicator/${BOT}`, { recipient: USER });
    expect(typing.status).toBe(400);
  });

  test('send error fault: 503 with a JSON error, 500 bare as gin.Recovery answers', async () => {
    await control('PUT', '/_drill/faults', { sendErrorStatus: 503 });
    expect((await send({ number: BOT, recipients: [USER] })).status).toBe(503);
    await control('PUT', '/_drill/faults', { sendErrorStatus: 500 });
    const bare = await send({ number: BOT, recipients: [USER] });
    expect([bare.status, bare.text]).toEqual([500, '']);
  });

  test('frame-loss fault: a share of 1 loses every frame, 0 none', async () => {
    const account = '+15550000016';
    await openReceiver(bridge.api, account);
    const messages = [1, 2, 3].map((timestamp) => ({ source: USER, timestamp }));
    await control('PUT', '/_drill/faults', { frameLoss: 1 });
    expect(await inject(account, messages)).toEqual({ delivered: [0, 0, 0], dropped: 3 });
    await control('PUT', '/_drill/faults', { frameLoss: 0 });
    expect(await inject(account, messages)).toEqual({ delivered: [1, 1, 1], dropped: 0 });
  });

  test('config drift: array body, another version, and normal mode where receive is a plain GET', async () => {
    await control('PUT', '/_drill/config', { sendResponseShape: 'array', version: '0.101' });
    expect((await send({ number: BOT, recipients: [USER] })).json).toEqual([{ timestamp: expect.stringMatching(/^[0-9]+$/) }]);
    expect((await api('GET', '/v1/about')).json?.version).toBe('0.101');
    expect((await api('GET', `/v1/receive/${BOT}`)).status).toBe(400);

    await control('PUT', '/_drill/config', { mode: 'normal' });
    expect((await api('GET', '/v1/about')).json?.mode).toBe('normal');
    const account = '+15550000017';
    expect(
      await inject(account, [
        { source: USER, timestamp: 30 },
        { source: USER, timestamp: 31 },
      ]),
    ).toEqual({ delivered: [0, 0], dropped: 0 });
    expect((await api('GET', `/v1/receive/${account}?timeout=x`)).json).toEqual({
      error: "Couldn't process request - timeout needs to be numeric!",
    });
    const received = await api('GET', `/v1/receive/${account}?timeout=0`);
    expect(received.status).toBe(200);
    expect((received.json as unknown as ReceiveFrame[]).map((f) => f.envelope.timestamp)).toEqual([30, 31]);
    expect((await api('GET', `/v1/receive/${account}?timeout=0`)).json).toEqual([]);
    await expect(openReceiver(bridge.api, `${account}?timeout=0`)).rejects.toThrow(/200/);
  });

  test('control API rejects bad bodies naming the field', async () => {
    const faults = await control('PUT', '/_drill/faults', { frameLoss: 2 });
    expect(faults.status).toBe(400);
    expect(faults.json?.error).toContain('frameLoss');
    const injected = await control('POST', '/_drill/inject', { account: BOT, messages: [{ source: USER }] });
    expect(injected.status).toBe(400);
    expect(injected.json?.error).toContain('messages.0.timestamp');
  });

  // Last: it cuts every public connection.
  test('restart: sockets cut, connections refused, backlog flushed to nobody, API back on the same port', async () => {
    const account = '+15550000018';
    const receiver = await openReceiver(bridge.api, account);
    const before = await stats();
    const restart = await control('POST', '/_drill/restart', { downMs: 1_200 });
    expect(restart.status).toBe(200);
    expect(restart.json!.upAtMs - restart.json!.downAtMs).toBe(1_200);
    expect((await control('POST', '/_drill/restart', { downMs: 10 })).status).toBe(409);
    expect(await receiver.closed).toBe(1006);
    const refused = await fetch(`${bridge.api}/v1/health`).then(
      () => 'answered',
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
    expect((await stats()).up).toBe(false);
    expect(
      await inject(
        account,
        [1, 2, 3].map((timestamp) => ({ source: USER, timestamp })),
      ),
    ).toEqual({ delivered: [0, 0, 0], dropped: 0 });

    await waitUntil(
      async () => (await fetch(`${bridge.api}/v1/health`).catch(() => undefined))?.status === 204,
      'the public API to return',
    );
    const after = await stats();
    expect(after.up).toBe(true);
    expect(after.framesDropped).toBe(before.framesDropped + 3);
    const again = await openReceiver(bridge.api, account);
    expect((await inject(account, [{ source: USER, timestamp: 4 }])).delivered).toEqual([1]);
    await waitUntil(() => again.frames.length > 0, 'a frame after the restart');
    expect(again.frames.map((f) => f.envelope.timestamp)).toEqual([4]);
  });
});

describe('bridge stand-in, other releases and start-up', () => {
  test('0.100-fanout-fix: a socket that stops reading misses frames past 1 MiB queued, while a fast one gets them all', async () => {
    const fixed = await startBridge({ DRILL_RELEASE: '0.100-fanout-fix' });
    const inject = async (messages: InjectMessage[]) =>
      (await call<InjectResponse>(fixed.control, 'POST', '/_drill/inject', { account: BOT, messages })).json;
    try {
      const [fast, slow] = await Promise.all([openReceiver(fixed.api, BOT), openReceiver(fixed.api, BOT)]);
      slow.ws.pause();
      const text = 'x'.repeat(200_000);
      let sent = 0;
      let missed = 0;
      for (let batch = 0; batch < 60 && missed < 5; batch++) {
        const messages = Array.from({ length: 5 }, (_, i) => ({ source: USER, timestamp: 10_000 + sent + i, message: text }));
        const { delivered } = await inject(messages);
        sent += messages.length;
        missed += delivered.filter((n) => n === 1).length;
        expect(delivered.every((n) => n === 1 || n === 2)).toBe(true);
        await waitUntil(() => fast.frames.length === sent, `fast subscriber to read ${sent} frames`);
      }
      expect(missed).toBeGreaterThan(0);
      expect(fast.frames.map((f) => f.envelope.timestamp)).toEqual(Array.from({ length: sent }, (_, i) => 10_000 + i));
      expect((await call<BridgeStats>(fixed.control, 'GET', '/_drill/stats')).json.framesDropped).toBe(missed);
      slow.ws.resume();
      await waitUntil(() => slow.frames.length === sent - missed, 'slow subscriber to drain what it was sent');
    } finally {
      for (const ws of opened.splice(0)) ws.terminate();
      await fixed.fixture.stop();
    }
  });

  test.each([
    ['0.100', [2, 0, 0, 0, 0]],
    ['0.100-fanout-fix', [2, 2, 2, 2, 2]],
  ])('a burst of frames to two reading sockets on %s: taken per frame %j', async (release, taken) => {
    const running = await startBridge({ DRILL_RELEASE: release });
    try {
      const receivers = await Promise.all([openReceiver(running.api, BOT), openReceiver(running.api, BOT)]);
      const messages = Array.from({ length: 5 }, (_, i) => ({ source: USER, timestamp: 1 + i, message: `burst ${i}` }));
      const response = await call<InjectResponse>(running.control, 'POST', '/_drill/inject', { account: BOT, messages, burst: true });
      expect(response.json.delivered).toEqual(taken);
      const total = taken.reduce((sum, n) => sum + n, 0);
      await waitUntil(() => receivers[0]!.frames.length + receivers[1]!.frames.length === total, `${total} frames in all`);
      expect(receivers.map((r) => r.frames[0]?.envelope.timestamp)).toEqual([1, 1]);
    } finally {
      for (const ws of opened.splice(0)) ws.terminate();
      await running.fixture.stop();
    }
  });

  test('0.101 lists failed recipients of an accepted group send in the array body', async () => {
    const next = await startBridge({ DRILL_RELEASE: '0.101' });
    try {
      await call(next.control, 'PUT', '/_drill/faults', { recipientFailures: { share: 1, reason: 'UNREGISTERED_FAILURE' } });
      const response = await call(next.api, 'POST', '/v2/send', { number: BOT, recipients: [GROUP], message: 'to the group' });
      expect(response.status).toBe(201);
      const body = response.json as unknown as SendResponseArray;
      expect(body).toHaveLength(1);
      expect(body[0]?.errors?.recipients).toHaveLength(3);
      expect(body[0]?.errors?.recipients.every((r) => r.reason === 'UNREGISTERED_FAILURE' && /^[0-9a-f-]{36}$/.test(r.uuid ?? ''))).toBe(true);
      await call(next.control, 'PUT', '/_drill/faults', { recipientFailures: { share: 0, reason: 'UNREGISTERED_FAILURE' } });
      const clean = await call(next.api, 'POST', '/v2/send', { number: BOT, recipients: [GROUP], message: 'to the group' });
      expect(clean.json).toEqual([{ timestamp: expect.stringMatching(/^[0-9]+$/) }]);
    } finally {
      await next.fixture.stop();
    }
  });

  test('0.101 answers /v2/send with an array, BUILD_VERSION and MODE show in /v1/about; an unknown release exits 2', async () => {
    const [next, unknown] = await Promise.all([
      startBridge({ DRILL_RELEASE: '0.101', BUILD_VERSION: '0.101-rc1', MODE: 'json-rpc-native' }),
      startFixture('bridge', { DRILL_RELEASE: '0.99', MODE: 'json-rpc', PORT: '0', DRILL_CONTROL_PORT: '0' }),
    ]);
    try {
      expect((await call(next.api, 'GET', '/v1/about')).json).toMatchObject({ mode: 'json-rpc', version: '0.101-rc1' });
      const response = await call(next.api, 'POST', '/v2/send', { number: BOT, recipients: [USER] });
      expect(response.status).toBe(201);
      expect(response.json).toEqual([{ timestamp: expect.stringMatching(/^[0-9]+$/) }]);
      expect(await unknown.waitForLine(/available releases/)).toMatch(new RegExp(`"0\\.99".*available releases: ${readdirSync('fixtures/bridge/releases').filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort().join(', ').replaceAll('.', '\\.')}`));
      expect(await unknown.exited).toBe(2);
    } finally {
      await Promise.all([next.fixture.stop(), unknown.stop()]);
    }
  });
});
