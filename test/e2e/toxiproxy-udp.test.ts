/**
 * UDP proxies and toxics (drill extensions) of the embedded fault server, set through ToxiproxyControl and
 * measured on real datagrams: loss rate and bursts, latency, duplication, partition, session expiry.
 */
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedToxiproxy, type StartedEmbeddedToxiproxy } from '../../src/faults/embedded-toxiproxy.ts';
import { ToxiproxyCallError, ToxiproxyControl } from '../../src/faults/toxiproxy-control.ts';

let server: StartedEmbeddedToxiproxy;
let control: ToxiproxyControl;
const sockets: dgram.Socket[] = [];
let proxyCount = 0;

beforeAll(async () => {
  server = await new EmbeddedToxiproxy({ seed: 42, udpSessionIdleMs: 300 }).start();
  control = new ToxiproxyControl(server.url, { timeoutMs: 5_000 });
});

afterAll(async () => {
  await server?.stop();
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function bind(onMessage?: (message: Buffer, from: dgram.RemoteInfo, socket: dgram.Socket) => void): Promise<dgram.Socket> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 22 });
  sockets.push(socket);
  if (onMessage) socket.on('message', (m, from) => onMessage(m, from, socket));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/** An upstream that records what it receives and echoes it. */
async function echoUpstream(): Promise<{ port: number; received: number[] }> {
  const received: number[] = [];
  const socket = await bind((message, from, s) => {
    received.push(message.readUInt32BE(0));
    s.send(message, from.port, from.address);
  });
  return { port: socket.address().port, received };
}

async function udpProxy(upstreamPort: number): Promise<{ name: string; port: number }> {
  const name = `udp_${++proxyCount}`;
  const [proxy] = await control.populate([{ name, upstream: `127.0.0.1:${upstreamPort}`, protocol: 'udp' }]);
  expect(proxy).toMatchObject({ name, protocol: 'udp', enabled: true });
  return { name, port: Number(proxy!.listen.split(':')[1]) };
}

function datagram(seq: number): Buffer {
  const buffer = Buffer.alloc(64);
  buffer.writeUInt32BE(seq, 0);
  return buffer;
}

/** Sends `count` numbered datagrams in small batches, so no socket buffer overflows on the way. */
async function sendNumbered(socket: dgram.Socket, port: number, count: number, from = 0): Promise<void> {
  for (let seq = from; seq < from + count; seq++) {
    socket.send(datagram(seq), port, '127.0.0.1');
    if (seq % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function settle(ms = 100): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `count()` has stopped growing for 100 ms (bounded: at most 3 s), so a busy machine has delivered everything. */
async function stable(count: () => number): Promise<void> {
  let last = -1;
  for (let i = 0; i < 30 && count() !== last; i++) {
    last = count();
    await settle(100);
  }
}

async function metric(name: string, proxy: string, direction: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const match = new RegExp(`^${name}\\{direction="${direction}",proxy="${proxy}",[^}]*\\} (\\d+)$`, 'm').exec(text);
  return Number(match?.[1]);
}

describe('UDP proxy', () => {
  it('forwards datagrams both ways', async () => {
    const upstream = await echoUpstream();
    const { port } = await udpProxy(upstream.port);
    const replies: number[] = [];
    const client = await bind((m) => replies.push(m.readUInt32BE(0)));
    await sendNumbered(client, port, 20);
    await stable(() => replies.length);
    expect(upstream.received).toHaveLength(20);
    expect(replies).toHaveLength(20);
  });

  it('loss: the long-run loss rate matches `probability`, independent and in bursts', async () => {
    for (const correlation of [0, 0.8]) {
      const upstream = await echoUpstream();
      const { name, port } = await udpProxy(upstream.port);
      await control.addToxic(name, { type: 'loss', stream: 'upstream', attributes: { probability: 0.1, correlation } });
      const client = await bind();
      await sendNumbered(client, port, 4_000);
      const received = await settledCount(name);
      // Loss is judged on what reached the proxy (a busy machine may drop a few datagrams before it).
      expect(received).toBeGreaterThan(3_900);
      const dropped = await metric('drill_proxy_dropped_datagrams_total', name, 'upstream');
      expect(upstream.received.length).toBe(received - dropped);
      const lossRate = dropped / received;
      expect(lossRate).toBeGreaterThan(correlation === 0 ? 0.08 : 0.06);
      expect(lossRate).toBeLessThan(correlation === 0 ? 0.12 : 0.14);
      const bursts = countBursts(upstream.received, 4_000);
      const meanBurst = (4_000 - upstream.received.length) / bursts;
      // Independent loss at 10% has bursts of 1/(1-0.1) ≈ 1.1 datagrams; correlation 0.8 gives 1/((1-0.1)(1-0.8)) ≈ 5.6.
      if (correlation === 0) expect(meanBurst).toBeLessThan(1.4);
      else expect(meanBurst).toBeGreaterThan(3);
    }
  });

  it('latency: replies come back `latency` ms later', async () => {
    const upstream = await echoUpstream();
    const { name, port } = await udpProxy(upstream.port);
    await control.addToxic(name, { type: 'latency', attributes: { latency: 80, jitter: 0 } });
    let sentAt = 0;
    const rtt = new Promise<number>((resolve) => {
      void bind(() => resolve(performance.now() - sentAt)).then((client) => {
        sentAt = performance.now();
        client.send(datagram(1), port, '127.0.0.1');
      });
    });
    const ms = await rtt;
    expect(ms).toBeGreaterThanOrEqual(78);
    expect(ms).toBeLessThan(400);
  });

  it('duplicate: each datagram arrives twice at probability 1', async () => {
    const upstream = await echoUpstream();
    const { name, port } = await udpProxy(upstream.port);
    await control.addToxic(name, { type: 'duplicate', stream: 'upstream', attributes: { probability: 1 } });
    await sendNumbered(await bind(), port, 100);
    await stable(() => upstream.received.length);
    expect(upstream.received).toHaveLength(200);
    expect(new Set(upstream.received).size).toBe(100);
  });

  it('reorder: held datagrams arrive after later ones', async () => {
    const upstream = await echoUpstream();
    const { name, port } = await udpProxy(upstream.port);
    await control.addToxic(name, { type: 'reorder', stream: 'upstream', attributes: { probability: 0.2, delay: 20 } });
    await sendNumbered(await bind(), port, 500);
    await stable(() => upstream.received.length);
    expect(upstream.received).toHaveLength(500);
    // Datagrams that arrived after a higher-numbered one: about 20% of them.
    let highest = -1;
    const late = upstream.received.filter((seq) => {
      const isLate = seq < highest;
      highest = Math.max(highest, seq);
      return isLate;
    }).length;
    expect(late).toBeGreaterThan(50);
    expect(late).toBeLessThan(160);
  });

  it('partition: nothing passes while disabled, traffic resumes when enabled', async () => {
    const upstream = await echoUpstream();
    const { name, port } = await udpProxy(upstream.port);
    const client = await bind();
    await sendNumbered(client, port, 10);
    await settle(50);
    await control.setEnabled(name, false);
    await sendNumbered(client, port, 10, 100);
    await settle(50);
    await control.setEnabled(name, true);
    await sendNumbered(client, port, 10, 200);
    await stable(() => upstream.received.length);
    expect(upstream.received.filter((seq) => seq >= 100 && seq < 200)).toEqual([]);
    expect(upstream.received.filter((seq) => seq >= 200)).toHaveLength(10);
    expect(upstream.received.filter((seq) => seq < 100)).toHaveLength(10);
  });

  it('closes idle sessions', async () => {
    const upstream = await echoUpstream();
    const { name, port } = await udpProxy(upstream.port);
    await sendNumbered(await bind(), port, 1);
    await settle(50);
    const open = async () => (await control.getProxy(name)) && metricOpen(name);
    expect(await open()).toBe(1);
    await settle(800);
    expect(await open()).toBe(0);
  });

  it('refuses TCP-only toxics with a 400 that says why', async () => {
    const upstream = await echoUpstream();
    const { name } = await udpProxy(upstream.port);
    const error = await control.addToxic(name, { type: 'slicer', attributes: { average_size: 10 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToxiproxyCallError);
    expect((error as ToxiproxyCallError).status).toBe(400);
    expect((error as Error).message).toMatch(/slicer toxic applies to TCP proxies only/);
  });
});

/** The proxy's count of datagrams from clients once it stops growing (bounded: at most 3 s). */
async function settledCount(proxy: string): Promise<number> {
  let last = -1;
  for (let i = 0; i < 30; i++) {
    await settle(100);
    const now = await metric('drill_proxy_received_datagrams_total', proxy, 'upstream');
    if (now === last) return now;
    last = now;
  }
  return last;
}

async function metricOpen(proxy: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(new RegExp(`^drill_proxy_open_connections\\{proxy="${proxy}",[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1]);
}

/** Number of runs of consecutive missing sequence numbers in 0..count-1. */
function countBursts(received: number[], count: number): number {
  const got = new Set(received);
  let bursts = 0;
  for (let seq = 0; seq < count; seq++) if (!got.has(seq) && (seq === 0 || got.has(seq - 1))) bursts++;
  return bursts;
}
