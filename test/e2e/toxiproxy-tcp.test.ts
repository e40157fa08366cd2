/**
 * TCP toxics of the embedded fault server, set through toxiproxy-node-client and measured on real traffic.
 * Bounds are wide on purpose: the tests check that each toxic has its effect, the bench measures how precisely.
 */
import net from 'node:net';
import { Toxiproxy, type Proxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedToxiproxy, type StartedEmbeddedToxiproxy } from '../../src/faults/embedded-toxiproxy.ts';

let server: StartedEmbeddedToxiproxy;
let client: Toxiproxy;
const upstreams: net.Server[] = [];
const sockets = new Set<net.Socket>();
let proxyCount = 0;

beforeAll(async () => {
  server = await new EmbeddedToxiproxy({ seed: 11 }).start();
  client = new Toxiproxy(server.url);
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await server?.stop();
  await Promise.all(upstreams.map((u) => new Promise((resolve) => u.close(resolve))));
});

/** An upstream on a free port; `onConnection` scripts it. */
async function upstream(onConnection: (socket: net.Socket) => void): Promise<number> {
  const s = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  upstreams.push(s);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as net.AddressInfo).port;
}

const echo = (socket: net.Socket) => socket.pipe(socket);

async function proxyTo(port: number): Promise<{ proxy: Proxy; port: number }> {
  const proxy = await client.createProxy({ name: `tcp_${++proxyCount}`, listen: '127.0.0.1:0', upstream: `127.0.0.1:${port}` });
  return { proxy, port: Number(proxy.listen.split(':')[1]) };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(socket));
    sockets.add(socket);
    socket.once('error', reject);
  });
}

/** Rejects when `promise` takes longer than `ms`, so a toxic without effect fails fast instead of hanging. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Milliseconds from writing `text` until the first byte comes back. */
async function rttMs(socket: net.Socket, text = 'ping'): Promise<number> {
  const started = performance.now();
  socket.write(text);
  await within(new Promise((resolve) => socket.once('data', resolve)), 3_000, 'echo');
  return performance.now() - started;
}

/** Everything the socket receives until it ends, and how it ended. */
function collect(socket: net.Socket): Promise<{ data: Buffer; chunks: number; error?: NodeJS.ErrnoException; endedAtMs: number }> {
  const parts: Buffer[] = [];
  const closed = new Promise<{ data: Buffer; chunks: number; error?: NodeJS.ErrnoException; endedAtMs: number }>((resolve) => {
    let error: NodeJS.ErrnoException | undefined;
    socket.on('data', (d: Buffer) => parts.push(d));
    socket.on('error', (e) => (error = e));
    socket.on('close', () => resolve({ data: Buffer.concat(parts), chunks: parts.length, endedAtMs: performance.now(), ...(error ? { error } : {}) }));
  });
  return within(closed, 5_000, 'connection close');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('latency', () => {
  it('adds the configured delay to each response', async () => {
    const { proxy, port } = await proxyTo(await upstream(echo));
    const socket = await connect(port);
    const base = median([await rttMs(socket), await rttMs(socket), await rttMs(socket)]);
    await proxy.addToxic({ type: 'latency', attributes: { latency: 100, jitter: 0 } } as never);
    const slowed = median([await rttMs(socket), await rttMs(socket), await rttMs(socket)]);
    // Added latency of an already-open connection; timers are late by a few ms at most.
    expect(slowed - base).toBeGreaterThanOrEqual(98);
    expect(slowed - base).toBeLessThan(160);
    socket.destroy();
  });

  it('applies upstream latency to client→server data and stops when the toxic is removed', async () => {
    const { proxy, port } = await proxyTo(await upstream(echo));
    const socket = await connect(port);
    const toxic = await proxy.addToxic({ name: 'slow_requests', type: 'latency', stream: 'upstream', toxicity: 1, attributes: { latency: 80, jitter: 0 } });
    expect(await rttMs(socket)).toBeGreaterThanOrEqual(78);
    await toxic.remove();
    expect(await rttMs(socket)).toBeLessThan(40);
    socket.destroy();
  });

  it('leaves connections alone at toxicity 0', async () => {
    const { proxy, port } = await proxyTo(await upstream(echo));
    await proxy.addToxic({ name: 'never', type: 'latency', stream: 'downstream', toxicity: 0, attributes: { latency: 500, jitter: 0 } });
    const socket = await connect(port);
    expect(await rttMs(socket)).toBeLessThan(200);
    socket.destroy();
  });
});

describe('toxicity', () => {
  it('is decided once per connection: about that share of connections is hit, each on every request', async () => {
    const { proxy, port } = await proxyTo(await upstream(echo));
    await proxy.addToxic({ name: 'half', type: 'latency', stream: 'downstream', toxicity: 0.5, attributes: { latency: 300, jitter: 0 } });
    const connections = await Promise.all(Array.from({ length: 40 }, () => connect(port)));
    const first = await Promise.all(connections.map((socket) => rttMs(socket)));
    const second = await Promise.all(connections.map((socket) => rttMs(socket)));
    // Hit connections take ≥ 300 ms; the others a few ms (200 ms leaves room for a busy machine).
    const hit = first.map((ms) => ms >= 200);
    expect(hit.filter(Boolean).length).toBeGreaterThanOrEqual(8);
    expect(hit.filter(Boolean).length).toBeLessThanOrEqual(32);
    // The same connections are hit on the next request.
    expect(second.map((ms) => ms >= 200)).toEqual(hit);
    expect(first.filter((ms, i) => hit[i] && ms < 299)).toEqual([]);
    for (const socket of connections) socket.destroy();
  });
});

describe('bandwidth', () => {
  it('limits throughput to the rate in KB/s', async () => {
    const payload = Buffer.alloc(100_000, 1);
    const { proxy, port } = await proxyTo(await upstream((socket) => socket.end(payload)));
    await proxy.addToxic({ type: 'bandwidth', attributes: { rate: 200 } } as never);
    const started = performance.now();
    const result = await collect(await connect(port));
    const seconds = (result.endedAtMs - started) / 1_000;
    expect(result.data.length).toBe(payload.length);
    // 100 KB at 200 KB/s is 0.5 s.
    expect(seconds).toBeGreaterThan(0.4);
    expect(seconds).toBeLessThan(1.5);
  });
});

describe('connection-ending toxics', () => {
  it('reset_peer: the client sees a connection reset', async () => {
    const { proxy, port } = await proxyTo(await upstream(echo));
    await proxy.addToxic({ type: 'reset_peer', attributes: { timeout: 0 } } as never);
    const socket = await connect(port);
    const result = collect(socket);
    socket.write('hello');
    expect((await result).error?.code).toBe('ECONNRESET');
  });

  it('limit_data: the client gets exactly `bytes` bytes, then the connection closes', async () => {
    const { proxy, port } = await proxyTo(await upstream((socket) => socket.write(Buffer.alloc(5_000, 2))));
    await proxy.addToxic({ type: 'limit_data', attributes: { bytes: 1_000 } } as never);
    const result = await collect(await connect(port));
    expect(result.data.length).toBe(1_000);
    expect(result.error).toBeUndefined();
  });

  it('timeout 0: holds data back while present; removing it closes the connection', async () => {
    const { proxy, port } = await proxyTo(await upstream(echo));
    const toxic = await proxy.addToxic({ type: 'timeout', attributes: { timeout: 0 } } as never);
    const socket = await connect(port);
    const result = collect(socket);
    socket.write('anyone there?');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(socket.destroyed).toBe(false);
    await toxic.remove();
    expect((await result).data.length).toBe(0);
  });

  it('timeout > 0: closes the connection after the timeout', async () => {
    const { proxy, port } = await proxyTo(await upstream(echo));
    await proxy.addToxic({ type: 'timeout', attributes: { timeout: 150 } } as never);
    const started = performance.now();
    const socket = await connect(port);
    const result = collect(socket);
    socket.write('hello');
    const { data, endedAtMs } = await result;
    expect(data.length).toBe(0);
    expect(endedAtMs - started).toBeGreaterThanOrEqual(140);
    expect(endedAtMs - started).toBeLessThan(1_000);
  });

  it('slow_close: the end of the stream comes `delay` ms after the data', async () => {
    const { proxy, port } = await proxyTo(await upstream((socket) => socket.end('bye')));
    await proxy.addToxic({ type: 'slow_close', attributes: { delay: 300 } } as never);
    const socket = await connect(port);
    let dataAt = 0;
    socket.once('data', () => (dataAt = performance.now()));
    const { data, endedAtMs } = await collect(socket);
    expect(data.toString()).toBe('bye');
    expect(endedAtMs - dataAt).toBeGreaterThanOrEqual(280);
  });
});

describe('slicer', () => {
  it('delivers the data whole, in many small pieces', async () => {
    const payload = Buffer.from('0123456789'.repeat(100));
    const { proxy, port } = await proxyTo(await upstream((socket) => socket.end(payload)));
    await proxy.addToxic({ type: 'slicer', attributes: { average_size: 20, size_variation: 5, delay: 2_000 } } as never);
    const result = await collect(await connect(port));
    expect(result.data.equals(payload)).toBe(true);
    expect(result.chunks).toBeGreaterThan(10);
  });
});

describe('partition', () => {
  it('enabled:false refuses new connections and drops open ones; enabled:true restores them', async () => {
    const { proxy, port } = await proxyTo(await upstream(echo));
    const open = await connect(port);
    const dropped = collect(open);
    const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await dropped;
    await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await down.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    const again = await connect(port);
    expect(await rttMs(again)).toBeLessThan(200);
    again.destroy();
  });
});
