/**
 * The loopback rule at dial time: the embedded fault server accepts any upstream (stored and returned as given, as
 * Toxiproxy does) and refuses, before any connect, a connection whose upstream is not loopback as written or once
 * resolved; `allowNonLoopback` lifts it. No packet leaves loopback: every socket connect and datagram send goes
 * through a spy that lets loopback through and records (never performs) anything else, and names resolve through
 * an injected resolver, never the network's.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/common/logger.ts';
import { EmbeddedToxiproxy, type StartedEmbeddedToxiproxy } from '../../src/faults/embedded-toxiproxy.ts';
import type { LookupAll } from '../../src/faults/upstream-guard.ts';
import { guardSockets, offBox } from '../helpers/loopback-guard.ts';

/** What the injected resolver answers (a name missing here does not resolve). */
const NAMES: Record<string, string[]> = { 'remote.test': ['10.0.0.5'], 'mixed.test': ['127.0.0.1', '10.0.0.6'], 'local.test': ['127.0.0.1'] };
const lookup: LookupAll = async (name) => {
  const found = NAMES[name];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
  return found;
};

let echo: net.Server;
let echoPort: number;
let server: StartedEmbeddedToxiproxy;
let client: Toxiproxy;
const logs = new PassThrough();
let logText = '';

beforeAll(async () => {
  guardSockets();
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as net.AddressInfo).port;
  logs.on('data', (chunk: Buffer) => (logText += chunk.toString()));
  server = await new EmbeddedToxiproxy({ seed: 3, lookup, logger: createLogger(logs, 'info') }).start();
  client = new Toxiproxy(server.url);
});

afterEach(async () => {
  for (const proxy of Object.values(await client.getAll())) await proxy.remove();
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => echo?.close(resolve));
  vi.restoreAllMocks();
  expect(offBox).toEqual([]);
});

function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

/** Connects to a proxy, sends a line, and says whether it came back or the connection was closed first. */
function tryEcho(port: number): Promise<'echoed' | 'closed'> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('ping\n'));
    socket.on('data', () => {
      socket.destroy();
      resolve('echoed');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve('closed'));
    setTimeout(() => reject(new Error('neither an echo nor a close within 5 s')), 5_000).unref();
  });
}

async function refusedCount(proxy: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('drill_proxy_refused_connections_total{') && l.includes(`proxy="${proxy}"`));
  return Number(line?.split(' ').pop());
}

describe('upstreams outside loopback', () => {
  it.each([
    ['an address', '10.1.2.3:80', /10\.1\.2\.3 is outside loopback/],
    ['a name that resolves outside loopback', 'remote.test:443', /remote\.test resolves to 10\.0\.0\.5, outside loopback/],
    ['a name with one address outside loopback', 'mixed.test:443', /mixed\.test resolves to 10\.0\.0\.6, outside loopback/],
    ['a name that does not resolve', 'nowhere.invalid:80', /nowhere\.invalid does not resolve \(ENOTFOUND\)/],
  ])('%s: stored as given, and each connection is closed before any connect, counted and logged', async (_, upstream, reason) => {
    const proxy = await client.createProxy({ name: 'far', listen: '127.0.0.1:0', upstream });
    expect(proxy.upstream).toBe(upstream);
    expect((await client.get('far')).upstream).toBe(upstream);

    expect(await tryEcho(portOf(proxy.listen))).toBe('closed');
    expect(await tryEcho(portOf(proxy.listen))).toBe('closed');
    expect(await refusedCount('far')).toBe(2);
    expect(logText).toMatch(new RegExp(`Proxy far: refused a connection from 127\\.0\\.0\\.1:\\d+: upstream ${upstream.replace('.', '\\.')}: ${reason.source}`));
    expect(offBox).toEqual([]);
  });

  it('dials a name that resolves to loopback, at the resolved address', async () => {
    const proxy = await client.createProxy({ name: 'near', listen: '127.0.0.1:0', upstream: `local.test:${echoPort}` });
    expect(await tryEcho(portOf(proxy.listen))).toBe('echoed');
    expect(await refusedCount('near')).toBe(0);
  });

  it('follows an upstream updated away from and back to loopback', async () => {
    const proxy = await client.createProxy({ name: 'moving', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
    const away = await proxy.update({ enabled: true, listen: proxy.listen, upstream: 'somehost:12345' });
    expect(away.upstream).toBe('somehost:12345');
    expect(await tryEcho(portOf(away.listen))).toBe('closed');
    const back = await away.update({ enabled: true, listen: away.listen, upstream: `localhost:${echoPort}` });
    expect(await tryEcho(portOf(back.listen))).toBe('echoed');
    expect(await refusedCount('moving')).toBe(1);
  });

  it('refuses a UDP session to an upstream outside loopback, once per client, and sends nothing', async () => {
    const response = await fetch(`${server.url}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'far_udp', listen: '127.0.0.1:0', upstream: '10.0.0.7:5000', protocol: 'udp' }),
    });
    const proxy = (await response.json()) as { listen: string; upstream: string };
    expect(response.status).toBe(201);
    expect(proxy.upstream).toBe('10.0.0.7:5000');
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => socket.send('x', portOf(proxy.listen), '127.0.0.1', () => resolve()));
    await expect.poll(() => refusedCount('far_udp')).toBe(1);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    expect(logText).toMatch(/Proxy far_udp: refused a session from 127\.0\.0\.1:\d+: upstream 10\.0\.0\.7:5000: 10\.0\.0\.7 is outside loopback/);
  });
});

describe('allowNonLoopback', () => {
  it('lifts the rule: the connection dials the upstream as given', async () => {
    const open = await new EmbeddedToxiproxy({ lookup, allowNonLoopback: true }).start();
    try {
      const own = new Toxiproxy(open.url);
      const proxy = await own.createProxy({ name: 'far', listen: '127.0.0.1:0', upstream: '10.1.2.3:80' });
      // The spy records the dial and closes it without a packet: the client sees its connection end.
      expect(await tryEcho(portOf(proxy.listen))).toBe('closed');
      expect(offBox.splice(0)).toEqual(['10.1.2.3']);
    } finally {
      await open.stop();
    }
  });
});
