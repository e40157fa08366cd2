/**
 * The bot stand-in (fixtures/bot) as a real process against a scripted bridge peer: replies, dedupe,
 * backpressure, retries, the DLQ and its replay, SQLite persistence, the circuit breaker, reconnects,
 * health routes and shutdown signals.
 */
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'vitest';
import type { BotDlqStatus, BotReady, DlqReplayResponse, ReceiveFrame } from '../../src/wire/signal.ts';
import { startFixture, type FixtureProcess } from '../helpers/fixture-process.ts';
import { receiveFrame, ScriptedBridge, type FrameOptions } from '../helpers/scripted-bridge.ts';

/** The release profiles a fixture ships, as its error messages list them. */
function releaseNames(fixture: string): string[] {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures', fixture, 'releases');
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length)).sort();
}

const ACCOUNT = '+15550001111';
const USER = '+15550002222';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface BotUnderTest {
  process: FixtureProcess;
  health: string;
  metricsUrl: string;
  env: Record<string, string>;
}

type OnFinished = (cleanup: () => Promise<void> | void) => void;

/** Starts what a test needs and registers its teardown with the test, so tests can run concurrently. */
function kit(onFinished: OnFinished) {
  return {
    async bridge(): Promise<ScriptedBridge> {
      const bridge = await ScriptedBridge.start(ACCOUNT);
      onFinished(() => bridge.close());
      return bridge;
    },

    async fixture(env: Record<string, string>): Promise<FixtureProcess> {
      const child = await startFixture('bot', env);
      onFinished(() => child.stop());
      return child;
    },

    async bot(bridge: ScriptedBridge, env: Record<string, string> = {}): Promise<BotUnderTest> {
      const connectionsBefore = bridge.connections;
      const fullEnv = botEnv(bridge, env);
      const child = await this.fixture(fullEnv);
      const listening = JSON.parse(await child.waitForLine(/"event":"listening"/)) as {
        healthPort: number;
        metricsPort: number;
        release: string;
      };
      if (listening.release !== fullEnv['DRILL_RELEASE']) throw new Error(`bot announced release ${listening.release}`);
      await bridge.waitForConnections(connectionsBefore + 1);
      return {
        process: child,
        health: `http://127.0.0.1:${listening.healthPort}`,
        metricsUrl: `http://127.0.0.1:${listening.metricsPort}/metrics`,
        env: fullEnv,
      };
    },

    tempDir(): string {
      const dir = mkdtempSync(path.join(tmpdir(), 'drill-bot-'));
      onFinished(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}

function botEnv(bridge: ScriptedBridge, env: Record<string, string> = {}): Record<string, string> {
  return {
    SIGNAL_PHONE_NUMBER: ACCOUNT,
    SIGNAL_SERVICE_URL: bridge.httpUrl,
    SIGNAL_API_URL: bridge.httpUrl,
    DRILL_RELEASE: '1.4.0',
    HEALTH_PORT: '0',
    METRICS_PORT: '0',
    ...env,
  };
}

let lastTimestamp = Date.now();
function frame(options: Partial<FrameOptions> & { message?: string | null }): ReceiveFrame {
  return receiveFrame(ACCOUNT, { source: USER, timestamp: ++lastTimestamp, ...options });
}

const monotonic = () => Number(process.hrtime.bigint()) / 1e9;

async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as T };
}

/** Value of one sample in the bot's Prometheus exposition; undefined when absent. */
async function metric(bot: BotUnderTest, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const text = await (await fetch(bot.metricsUrl)).text();
  for (const line of text.split('\n')) {
    const sample = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample || sample[1] !== name) continue;
    const found = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(sample[3]);
  }
  return undefined;
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const dlqStatus = async (bot: BotUnderTest) => (await getJson<BotDlqStatus>(`${bot.health}/dlq`)).body;
const replayDlq = async (bot: BotUnderTest) => getJson<DlqReplayResponse>(`${bot.health}/_drill/dlq/replay`, { method: 'POST' });

interface StoredRecord {
  payload: { raw: string; reason: string; metadata: Record<string, unknown> } | ReceiveFrame;
  message: unknown;
  retry_count: number;
  next_retry_at: number;
}

function storedDlq(file: string, key = 'signal_client_dlq'): StoredRecord[] {
  const db = new Database(file, { readonly: true });
  try {
    const values = db.prepare('SELECT value FROM signal_client_dlq WHERE key = ? ORDER BY rowid').pluck().all(key) as string[];
    return values.map((v) => JSON.parse(v) as StoredRecord);
  } finally {
    db.close();
  }
}

// Each test runs its own bridge and bot processes; most of their time is spent waiting, so they run side by side.
describe.concurrent('bot fixture', () => {
  test('replies with the exact send body, skips non-messages, deduplicates, and reconnects after the bridge closes the socket', async ({
    expect,
    onTestFinished,
  }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const bot = await t.bot(bridge, { signal_api_token: 's3cret' });

    const ping = frame({ message: '!PING please' });
    bridge.sendFrame(ping);
    const [first] = await bridge.waitForSends(1);
    expect(first?.headers['authorization']).toBe('Bearer s3cret');
    expect(first?.body).toEqual({
      message: 'pong',
      recipients: [USER],
      number: ACCOUNT,
      base64_attachments: [],
      view_once: false,
      quote_author: USER,
      quote_message: '!PING please',
      quote_timestamp: ping.envelope.timestamp,
    });

    bridge.sendFrame(frame({ kind: 'receipt' }));
    bridge.sendFrame(frame({ kind: 'typing' }));
    bridge.sendFrame(frame({ message: 'hello, no command here' }));
    bridge.sendFrame('not json at all');
    bridge.sendFrame(ping);
    // Same sender, same shard, handled in order: once this one is answered the duplicate has been seen.
    const sentinel = frame({ message: '!ping' });
    bridge.sendFrame(sentinel);
    const sends = await bridge.waitForSends(2);
    expect(sends[1]?.body.quote_timestamp).toBe(sentinel.envelope.timestamp);

    bridge.scriptSends({ status: 201, body: [{ timestamp: '1' }] });
    bridge.sendFrame(frame({ message: '!ping', groupId: 'R3JvdXBJZEJhc2U2NA==' }));
    bridge.sendFrame(frame({ source: ACCOUNT, message: '!ping', syncDestination: '+15550003333' }));
    await bridge.waitForSends(4);
    const recipients = bridge.sends.slice(2).map((s) => s.body.recipients?.[0]);
    expect(recipients.sort()).toEqual(['+15550003333', 'R3JvdXBJZEJhc2U2NA==']);

    await eventually(
      () => metric(bot, 'messages_processed_total'),
      (v) => v === 6,
    );
    expect(bridge.sends).toHaveLength(4);
    expect(await metric(bot, 'command_calls_total', { command: 'ping', status: 'success' })).toBe(4);
    expect(await metric(bot, 'command_calls_total', { command: 'ping', status: 'failure' })).toBeUndefined();
    // Only the non-JSON frame is an error: it goes to the DLQ as parse_failed.
    expect(await metric(bot, 'errors_occurred_total')).toBe(1);
    expect(await dlqStatus(bot)).toMatchObject({ enabled: true, depth: 1 });

    const ready = await getJson<BotReady>(`${bot.health}/ready`);
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body).sort()).toEqual(
      [
        'api_clients_ready',
        'ingest_paused_until',
        'queue_depth',
        'queue_ready',
        'ready',
        'websocket_configured',
        'worker_pool_ready',
      ].sort(),
    );
    expect(ready.body).toMatchObject({ ready: true, queue_depth: 0, ingest_paused_until: 0 });
    expect(await getJson(`${bot.health}/live`)).toEqual({ status: 200, body: { status: 'ok' } });

    // The bridge closes the websocket (a restart): /ready does not notice, the bot reconnects after 1 s.
    expect(await metric(bot, 'websocket_connection_state')).toBe(1);

    bridge.closeSockets();
    await eventually(
      () => metric(bot, 'websocket_connection_state'),
      (v) => v === 0,
    );
    expect((await getJson<BotReady>(`${bot.health}/ready`)).body.ready).toBe(true);

    await bridge.waitForConnections(2);
    await eventually(
      () => metric(bot, 'websocket_connection_state'),
      (v) => v === 1,
    );
    expect(await metric(bot, 'websocket_events_total', { event: 'closed' })).toBe(1);
    expect(await metric(bot, 'websocket_events_total', { event: 'reconnect_wait' })).toBe(1);
    expect(await metric(bot, 'websocket_events_total', { event: 'connect_attempt' })).toBe(2);
    expect(await metric(bot, 'websocket_events_total', { event: 'connected' })).toBe(2);

    bridge.sendFrame(frame({ message: '!ping' }));
    await bridge.waitForSends(5);
  });

  test('retries sends on 5xx and timeouts only, and dead-letters what still fails', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const bot = await t.bot(bridge, {
      API_BACKOFF_FACTOR: '0.01',
      API_TIMEOUT: '0.3',
      CIRCUIT_BREAKER_FAILURE_THRESHOLD: '10',
      DLQ_MAX_RETRIES: '0',
    });

    bridge.scriptSends({ status: 500, body: { error: 'panic' } }, { status: 503 }, { status: 201, body: { timestamp: '7' } });
    const retried = frame({ message: '!ping' });
    bridge.sendFrame(retried);
    await bridge.waitForSends(3);
    expect(new Set(bridge.sends.map((s) => JSON.stringify(s.body))).size).toBe(1);

    bridge.scriptSends('hang');
    bridge.sendFrame(frame({ message: '!ping' }));
    await bridge.waitForSends(5);

    const before = Date.now() / 1000;
    bridge.scriptSends({ status: 400, body: { error: 'User +15550002222 is not registered.\n' } });
    bridge.sendFrame(frame({ message: '!ping' }));
    bridge.scriptSends(...Array.from({ length: 4 }, () => ({ status: 502 })));
    bridge.sendFrame(frame({ message: '!ping' }));
    await eventually(
      () => dlqStatus(bot),
      (s) => s.depth === 2,
    );
    expect(bridge.sends).toHaveLength(5 + 1 + 4);

    const status = await dlqStatus(bot);
    const oldest = status.enabled ? status.oldest_next_retry_at : null;
    expect(oldest).toBeGreaterThanOrEqual(before + 1);
    expect(oldest).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    expect(await metric(bot, 'dlq_events_total', { queue: 'signal_client_dlq', event: 'enqueued' })).toBe(2);
    expect(await metric(bot, 'dead_letter_queue_depth', { queue: 'signal_client_dlq' })).toBe(2);
    expect(await metric(bot, 'command_calls_total', { command: 'ping', status: 'success' })).toBe(2);
    expect(await metric(bot, 'command_calls_total', { command: 'ping', status: 'failure' })).toBe(2);

    // DLQ_MAX_RETRIES=0: a replay discards every record.
    expect((await replayDlq(bot)).body).toEqual({ replayed: 0, pending: 0, discarded: 2 });
    expect(await dlqStatus(bot)).toEqual({ enabled: true, depth: 0, oldest_next_retry_at: null });
    expect(await metric(bot, 'dlq_events_total', { queue: 'signal_client_dlq', event: 'discarded' })).toBe(2);
  });

  test('release 1.5.0 sends a reply again when its POST needed a retry', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    await t.bot(bridge, { DRILL_RELEASE: '1.5.0', API_BACKOFF_FACTOR: '0.01' });

    bridge.scriptSends({ status: 500 }, { status: 201, body: { timestamp: '1' } });
    const retried = frame({ message: '!ping' });
    bridge.sendFrame(retried);
    const sentinel = frame({ message: '!ping' });
    bridge.sendFrame(sentinel);
    const sends = await bridge.waitForSends(4);
    expect(sends.map((s) => s.body.quote_timestamp)).toEqual([retried, retried, retried, sentinel].map((f) => f.envelope.timestamp));
  });

  test('waits for a rate-limit permit (sliding log) and pauses intake meanwhile', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const bot = await t.bot(bridge, { RATE_LIMIT: '2', RATE_LIMIT_PERIOD: '1', INGEST_PAUSE_SECONDS: '0.1' });

    for (let i = 0; i < 3; i++) bridge.sendFrame(frame({ message: '!ping' }));
    const sends = await bridge.waitForSends(3);
    // The third call may start only when the first leaves the 1 s window; the first call's own connection set-up
    // (slow on a busy machine) comes off that, so the bound leaves room for it while no-wait would be ~0.
    expect((sends[2]?.arrivedAtMonotonic ?? 0) - (sends[0]?.arrivedAtMonotonic ?? 0)).toBeGreaterThanOrEqual(0.6);
    expect(await metric(bot, 'rate_limiter_wait_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(await metric(bot, 'ingest_pauses_total', { reason: 'rate_limited' })).toBeGreaterThanOrEqual(1);
  });

  test('keeps dead letters in SQLite across a restart and replays them through the control route', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const database = path.join(t.tempDir(), 'bot.db');
    const env = { STORAGE_TYPE: 'sqlite', SQLITE_DATABASE: database, API_RETRIES: '0' };
    const first = await t.bot(bridge, env);

    const answered = frame({ message: '!ping' });
    bridge.sendFrame(answered);
    await bridge.waitForSends(1);
    const created = Date.now() / 1000;
    bridge.scriptSends({ status: 400, body: { error: 'User +15550002222 is not registered.\n' } });
    const ping = frame({ message: '!ping' });
    bridge.sendFrame(ping);
    const fail = frame({ message: '!fail now' });
    bridge.sendFrame(fail);
    await eventually(
      () => dlqStatus(first),
      (s) => s.depth === 2,
    );

    const [pingRecord, failRecord] = storedDlq(database);
    expect(Object.keys(pingRecord ?? {})).toEqual(['payload', 'message', 'retry_count', 'next_retry_at']);
    expect(pingRecord?.message).toEqual(pingRecord?.payload);
    expect(pingRecord?.retry_count).toBe(0);
    expect(pingRecord?.next_retry_at).toBeGreaterThanOrEqual(created + 1);
    expect(pingRecord?.next_retry_at).toBeLessThanOrEqual(Date.now() / 1000 + 1);
    expect(pingRecord?.payload).toEqual({
      raw: JSON.stringify(ping),
      reason: 'api_error',
      metadata: {
        command: 'ping',
        trigger: '!ping',
        worker_id: expect.any(Number),
        shard_id: expect.any(Number),
        message_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        source: USER,
        recipient: USER,
        timestamp: ping.envelope.timestamp,
        status_code: 400,
        error_type: 'SignalAPIError',
        error_message: 'API Error: 400 Bad Request\n{"error": "User +15550002222 is not registered.\\n"}',
      },
    });
    expect(failRecord?.payload).toMatchObject({
      raw: JSON.stringify(fail),
      reason: 'command_failed',
      metadata: { command: 'fail', trigger: '!fail' },
    });
    expect(failRecord?.payload).not.toHaveProperty('metadata.status_code');

    const inspected = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'fixtures/bot/inspect-dlq.ts', 'dlq', 'inspect'], {
      cwd: root,
      env: { ...process.env, ...first.env },
      timeout: 15_000,
    });
    expect(JSON.parse(inspected.stdout)).toEqual(storedDlq(database));

    await first.process.stop('SIGKILL');
    const second = await t.bot(bridge, env);
    expect(await dlqStatus(second)).toMatchObject({ depth: 2 });
    expect(await metric(second, 'dead_letter_queue_depth', { queue: 'signal_client_dlq' })).toBe(2);

    await eventually(
      () => dlqStatus(second),
      (s) => s.enabled && s.oldest_next_retry_at !== null && s.oldest_next_retry_at <= Date.now() / 1000,
    );
    const sendsBefore = bridge.sends.length;
    expect(await replayDlq(second)).toEqual({ status: 200, body: { replayed: 2, pending: 0, discarded: 0 } });
    expect(bridge.sends.slice(sendsBefore).map((s) => s.body.quote_timestamp)).toEqual([ping.envelope.timestamp]);

    const [requeued, ...others] = storedDlq(database);
    expect(others).toEqual([]);
    expect(requeued).toMatchObject({ retry_count: 1, payload: { raw: JSON.stringify(fail), reason: 'command_failed' } });
    expect(requeued?.next_retry_at).toBeGreaterThanOrEqual(Date.now() / 1000 + 1.5);
    expect((await replayDlq(second)).body).toEqual({ replayed: 0, pending: 1, discarded: 0 });

    // Checkpoints are in SQLite too: a message answered before the restart, and the replayed one, are suppressed.
    bridge.sendFrame(answered);
    bridge.sendFrame(ping);
    const sentinel = frame({ message: '!ping' });
    bridge.sendFrame(sentinel);
    await bridge.waitForSends(sendsBefore + 2);
    expect(bridge.sends.at(-1)?.body.quote_timestamp).toBe(sentinel.envelope.timestamp);
    expect(bridge.sends).toHaveLength(sendsBefore + 2);
  });

  test('opens the circuit breaker after consecutive failures, fails fast and pauses intake', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const bot = await t.bot(bridge, {
      WORKER_POOL_SIZE: '1',
      API_RETRIES: '0',
      CIRCUIT_BREAKER_FAILURE_THRESHOLD: '2',
      CIRCUIT_BREAKER_RESET_TIMEOUT: '1',
      INGEST_PAUSE_SECONDS: '0.5',
    });
    const startedAt = monotonic();

    // The slow first answer lets all three frames reach the queue before the breaker opens.
    bridge.scriptSends({ status: 400, body: { error: 'x' }, delayMs: 200 }, { status: 400, body: { error: 'x' } });
    for (let i = 0; i < 3; i++) bridge.sendFrame(frame({ message: '!ping' }));
    await eventually(
      () => dlqStatus(bot),
      (s) => s.depth === 3,
    );
    expect(bridge.sends).toHaveLength(2);
    expect(await metric(bot, 'circuit_breaker_state', { endpoint: '/v2/send', state: 'open' })).toBe(1);
    expect(await metric(bot, 'circuit_breaker_state', { endpoint: '/v2/send', state: 'closed' })).toBe(0);
    expect(await metric(bot, 'ingest_pauses_total', { reason: 'circuit_open' })).toBe(1);
    const pausedUntil = (await getJson<BotReady>(`${bot.health}/ready`)).body.ingest_paused_until;
    expect(pausedUntil).toBeGreaterThan(startedAt + 1);

    const after = frame({ message: '!ping' });
    bridge.sendFrame(after);
    const sends = await bridge.waitForSends(3);
    expect(sends[2]?.body.quote_timestamp).toBe(after.envelope.timestamp);
    expect(sends[2]?.arrivedAtMonotonic).toBeGreaterThanOrEqual(pausedUntil);
    await eventually(
      () => metric(bot, 'circuit_breaker_state', { endpoint: '/v2/send', state: 'closed' }),
      (v) => v === 1,
    );
  });

  test('drops the oldest queued frame when the queue stays full (not dead-lettered)', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const bot = await t.bot(bridge, { QUEUE_SIZE: '1', WORKER_POOL_SIZE: '1', QUEUE_PUT_TIMEOUT: '0.05' });

    const frames = Array.from({ length: 10 }, () => frame({ message: '!slow' }));
    for (const f of frames) bridge.sendFrame(f);
    const last = frames.at(-1)?.envelope.timestamp;
    await eventually(
      async () => bridge.sends.map((s) => s.body.quote_timestamp),
      (quoted) => quoted.includes(last),
      15_000,
    );

    const quoted = bridge.sends.map((s) => s.body.quote_timestamp);
    expect(quoted[0]).toBe(frames[0]?.envelope.timestamp);
    expect(quoted.length).toBeLessThan(frames.length);
    await eventually(
      () => metric(bot, 'messages_processed_total'),
      (v) => v === quoted.length,
    );
    expect(await metric(bot, 'command_calls_total', { command: 'slow', status: 'success' })).toBe(quoted.length);
    expect(await dlqStatus(bot)).toMatchObject({ depth: 0 });
    expect(await metric(bot, 'ingest_pauses_total', { reason: 'backpressure' })).toBeUndefined();
  });

  test('with FAIL_FAST, dead-letters the new frame as received and pauses intake for backpressure', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const database = path.join(t.tempDir(), 'bot.db');
    const bot = await t.bot(bridge, {
      QUEUE_SIZE: '1',
      WORKER_POOL_SIZE: '1',
      QUEUE_PUT_TIMEOUT: '0.05',
      QUEUE_DROP_OLDEST_ON_TIMEOUT: 'False',
      STORAGE_TYPE: 'sqlite',
      SQLITE_DATABASE: database,
    });

    const frames = Array.from({ length: 8 }, () => frame({ message: '!slow' }));
    for (const f of frames) bridge.sendFrame(f);
    const settled = async () => bridge.sends.length + ((await dlqStatus(bot)) as { depth: number }).depth;
    await eventually(settled, (n) => n === frames.length, 15_000);

    const dead = storedDlq(database);
    expect(dead.length).toBeGreaterThan(0);
    const byTimestamp = new Map(frames.map((f) => [f.envelope.timestamp, f]));
    for (const record of dead) {
      const payload = record.payload as ReceiveFrame;
      expect(payload).toEqual(byTimestamp.get(payload.envelope.timestamp));
    }
    expect(await metric(bot, 'ingest_pauses_total', { reason: 'backpressure' })).toBe(dead.length);
  });

  test('SIGINT drains queued messages before exiting 0; SIGTERM exits at once', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const env = { WORKER_POOL_SIZE: '1' };

    const draining = await t.bot(bridge, env);
    for (let i = 0; i < 4; i++) bridge.sendFrame(frame({ message: '!slow' }));
    await bridge.waitForSends(1);
    await draining.process.stop('SIGINT');
    expect(await draining.process.exited).toBe(0);
    expect(bridge.sends).toHaveLength(4);
    expect(draining.process.lines.some((l) => l.includes('"shutdown_complete"'))).toBe(true);

    const killed = await t.bot(bridge, env);
    for (let i = 0; i < 4; i++) bridge.sendFrame(frame({ message: '!slow' }));
    await bridge.waitForSends(5);
    await killed.process.stop('SIGTERM');
    expect(await killed.process.exited).toBe('SIGTERM');
    expect(bridge.sends.length).toBeLessThan(8);
  });

  test('SQLite keeps every list in the fixed table signal_client_dlq, keyed by DLQ_NAME', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const database = path.join(t.tempDir(), 'bot.db');
    const bot = await t.bot(bridge, { STORAGE_TYPE: 'sqlite', SQLITE_DATABASE: database, DLQ_NAME: 'orders-dlq' });
    bridge.sendFrame(frame({ message: '!fail' }));
    await eventually(
      () => dlqStatus(bot),
      (s) => s.depth === 1,
    );
    expect(storedDlq(database, 'orders-dlq')).toHaveLength(1);
    const db = new Database(database, { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).toEqual(['signal_client_dlq']);
    } finally {
      db.close();
    }
  });

  test('QUEUE_SIZE=0 is an unbounded queue: frames wait behind a slow send, none dropped or dead-lettered', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    bridge.setDefaultReply({ status: 201, body: { timestamp: '1' }, delayMs: 50 });
    await t.bot(bridge, { QUEUE_SIZE: '0', WORKER_POOL_SIZE: '1', QUEUE_PUT_TIMEOUT: '0.01' });
    const frames = Array.from({ length: 40 }, () => frame({ message: '!ping' }));
    for (const sent of frames) bridge.sendFrame(sent);
    const sends = await bridge.waitForSends(40, 20_000);
    expect(sends.map((send) => send.body.quote_timestamp)).toEqual(frames.map((f) => f.envelope.timestamp));
  });

  test('group replies: 1.4.0 sends the raw group id, 1.4.0-fixed sends "group." + base64 of it', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const groupId = Buffer.alloc(32, 9).toString('base64');
    await t.bot(bridge);
    await t.bot(bridge, { DRILL_RELEASE: '1.4.0-fixed' });
    bridge.sendFrame(frame({ message: '!ping', groupId }));
    const sends = await bridge.waitForSends(2);
    expect(sends.map((send) => send.body.recipients?.[0]).sort()).toEqual([groupId, `group.${Buffer.from(groupId).toString('base64')}`].sort());
  });

  test('a 201 listing failed recipients: 1.4.0 counts the reply as sent, 1.4.0-fixed dead-letters it', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    bridge.setDefaultReply({ status: 201, body: [{ timestamp: '1', errors: { recipients: [{ number: USER, reason: 'UNREGISTERED_FAILURE' }] } }] });
    const upstream = await t.bot(bridge);
    const fixed = await t.bot(bridge, { DRILL_RELEASE: '1.4.0-fixed' });
    bridge.sendFrame(frame({ message: '!ping' }));
    await bridge.waitForSends(2);
    await eventually(
      () => dlqStatus(fixed),
      (s) => s.depth === 1,
    );
    expect(await metric(fixed, 'command_calls_total', { command: 'ping', status: 'failure' })).toBe(1);
    expect(await metric(upstream, 'command_calls_total', { command: 'ping', status: 'success' })).toBe(1);
    expect((await dlqStatus(upstream)).depth).toBe(0);
  });

  test('refuses bad configuration with exit code 2 and a message naming the setting', async ({ expect, onTestFinished }) => {
    const t = kit(onTestFinished);
    const bridge = await t.bridge();
    const cases: [Record<string, string>, RegExp][] = [
      [{ SIGNAL_API_URL: '' }, /SIGNAL_API_URL is required/],
      [{ STORAGE_TYPE: 'Redis', REDIS_HOST: ' ' }, /REDIS_HOST must name the Redis server/],
      // Every profile in fixtures/bot/releases, sorted: the message lists what the fixture can behave as.
      [{ DRILL_RELEASE: '0.9.9' }, new RegExp(`available releases: ${releaseNames('bot').join(', ').replaceAll('.', '\\.')}$`, 'm')],
      [{ queue_size: 'many' }, /QUEUE_SIZE must be an integer/],
    ];
    await Promise.all(
      cases.map(async ([env, message]) => {
        const child = await t.fixture(botEnv(bridge, env));
        expect(await child.exited).toBe(2);
        expect(child.lines.join('\n')).toMatch(message);
      }),
    );
  });
});
