/**
 * The embedded fault server's HTTP API, driven through toxiproxy-node-client: Toxiproxy's routes, JSON shapes,
 * status codes and error bodies, /populate and /reset semantics, and the loopback rule.
 */
import net from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger.ts';
import { EmbeddedToxiproxy, type StartedEmbeddedToxiproxy } from '../../src/faults/embedded-toxiproxy.ts';
import { runToxiproxyServer } from '../../src/faults/run-toxiproxy-server.ts';
import { TimedTransport, ToxiproxyHttpError } from '../../src/faults/toxiproxy-transport.ts';

let server: StartedEmbeddedToxiproxy;
let echo: net.Server;
let echoPort: number;
/** The library as shipped. */
let client: Toxiproxy;
/** The library over drill's transport, whose errors keep the status and JSON body. */
let detailed: Toxiproxy;

beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as net.AddressInfo).port;
  server = await new EmbeddedToxiproxy({ seed: 7 }).start({ host: '127.0.0.1', port: 0 });
  client = new Toxiproxy(server.url);
  detailed = new Toxiproxy(server.url);
  detailed.api = new TimedTransport(5_000) as unknown as Toxiproxy['api'];
});

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => echo?.close(resolve));
});

/** The status and body a call was rejected with. */
async function rejection(call: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ToxiproxyHttpError);
  const { status, body } = error as ToxiproxyHttpError;
  return { status, body };
}

function portOf(listen: string): number {
  return Number(listen.slice(listen.lastIndexOf(':') + 1));
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

async function roundTrip(socket: net.Socket, text: string): Promise<string> {
  socket.write(text);
  const [data] = (await Promise.race([
    new Promise((resolve) => socket.once('data', (d: Buffer) => resolve([d]))),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no echo within 2 s')), 2_000)),
  ])) as [Buffer];
  return data.toString();
}

describe('proxies', () => {
  it('creates a proxy on a free port (201) and lists proxies keyed by name', async () => {
    const proxy = await client.createProxy({ name: 'api_create', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
    expect(proxy.toJson()).toMatchObject({ name: 'api_create', upstream: `127.0.0.1:${echoPort}`, enabled: true });
    expect(portOf(proxy.listen)).toBeGreaterThan(0);

    const all = await detailed.getApi().get<Record<string, unknown>>(`${server.url}/proxies`);
    expect(all.data['api_create']).toEqual({
      name: 'api_create',
      listen: proxy.listen,
      upstream: `127.0.0.1:${echoPort}`,
      enabled: true,
      toxics: [],
    });
    const socket = await connect(portOf(proxy.listen));
    expect(await roundTrip(socket, 'ping')).toBe('ping');
    socket.destroy();
  });

  it('answers 409 for a duplicate name, 404 for an unknown proxy, 400 for missing fields', async () => {
    const body = { name: 'api_dup', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` };
    await detailed.createProxy(body);
    expect(await rejection(detailed.createProxy(body))).toEqual({ status: 409, body: { error: 'proxy already exists', status: 409 } });
    expect(await rejection(detailed.get('nope'))).toEqual({ status: 404, body: { error: 'proxy not found', status: 404 } });
    expect(await rejection(detailed.createProxy({ name: 'x', listen: '127.0.0.1:0' } as never))).toEqual({
      status: 400,
      body: { error: 'missing required field: upstream', status: 400 },
    });
    await expect(client.get('nope')).rejects.toThrow(/404/);
  });

  it('refuses non-loopback listen hosts with 400, and takes any upstream as given (checked at dial time)', async () => {
    const wide = await rejection(detailed.createProxy({ name: 'wide', listen: '0.0.0.0:0', upstream: `127.0.0.1:${echoPort}` }));
    expect(wide.status).toBe(400);
    expect(JSON.stringify(wide.body)).toMatch(/127\.0\.0\.1/);
    // See toxiproxy-upstream-rule.test.ts for what a connection to this proxy meets.
    const remote = await client.createProxy({ name: 'remote', listen: '127.0.0.1:0', upstream: '10.1.2.3:80' });
    expect(remote.upstream).toBe('10.1.2.3:80');
    await remote.remove();
  });

  it('disables a proxy (refusing connections, dropping open ones) and enables it again on the same port', async () => {
    const proxy = await client.createProxy({ name: 'api_toggle', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
    const port = portOf(proxy.listen);
    const open = await connect(port);
    const dropped = new Promise<void>((resolve) => open.once('close', () => resolve()));
    open.on('error', () => undefined);

    const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(down.enabled).toBe(false);
    await dropped;
    await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const up = await down.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
    expect(up.listen).toBe(proxy.listen);
    const again = await connect(port);
    expect(await roundTrip(again, 'back')).toBe('back');
    again.destroy();
  });

  it('deletes a proxy (204) and closes its port', async () => {
    const proxy = await client.createProxy({ name: 'api_delete', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
    await proxy.remove();
    await expect(client.get('api_delete')).rejects.toThrow(/404/);
    await expect(connect(portOf(proxy.listen))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('/populate', () => {
  it('creates (201), keeps unchanged proxies and their connections, and replaces changed ones', async () => {
    const first = await client.populate([
      { name: 'pop_a', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` },
      { name: 'pop_b', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` },
    ]);
    const a = first['pop_a']!;
    const b = first['pop_b']!;
    const socket = await connect(portOf(a.listen));
    const bToxic = await b.addToxic({ type: 'latency', attributes: { latency: 5 } } as never);
    expect(bToxic.name).toBe('latency_downstream');

    const raw = await detailed.getApi().post<{ proxies: { name: string; listen: string; toxics: unknown[] }[] }>(`${server.url}/populate`, [
      { name: 'pop_a', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` },
      { name: 'pop_b', listen: '127.0.0.1:0', upstream: `localhost:${echoPort}` },
    ]);
    const [a2, b2] = raw.data.proxies;
    expect(a2).toMatchObject({ name: 'pop_a', listen: a.listen });
    expect(await roundTrip(socket, 'still here')).toBe('still here');
    expect(b2).toMatchObject({ name: 'pop_b', toxics: [] });
    socket.destroy();
  });

  it('validates every entry before changing anything', async () => {
    const failure = await rejection(
      detailed.populate([
        { name: 'pop_valid', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` },
        { name: 'pop_invalid', listen: '127.0.0.1:0' } as never,
      ]),
    );
    expect(failure).toEqual({ status: 400, body: { error: 'missing required field: upstream at proxy 2', status: 400 } });
    await expect(client.get('pop_valid')).rejects.toThrow(/404/);
  });
});

describe('toxics', () => {
  it('adds with Toxiproxy defaults, lists, updates (merging attributes) and removes (204)', async () => {
    const proxy = await client.createProxy({ name: 'tox_crud', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
    const toxic = await proxy.addToxic({ type: 'latency', attributes: { latency: 100 } } as never);
    expect(toxic.toJson()).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 100, jitter: 0 },
    });
    await proxy.addToxic({ name: 'cut', type: 'limit_data', stream: 'upstream', toxicity: 0.5, attributes: { bytes: 10 } });
    const listed = await detailed.getApi().get<{ name: string }[]>(`${server.url}/proxies/tox_crud/toxics`);
    expect(listed.data.map((t) => t.name)).toEqual(['cut', 'latency_downstream']);

    const updated = await toxic.update({ ...toxic.toJson(), attributes: { jitter: 5 } as never });
    expect(updated.attributes).toEqual({ latency: 100, jitter: 5 });
    const patched = await (detailed.getApi() as unknown as TimedTransport).patch<{ toxicity: number }>(
      `${server.url}/proxies/tox_crud/toxics/cut`,
      { toxicity: 0.25 },
    );
    expect(patched.data.toxicity).toBe(0.25);

    await updated.remove();
    expect(await rejection(detailed.get('tox_crud').then((p) => p.getToxic('latency_downstream')))).toEqual({
      status: 404,
      body: { error: 'toxic not found', status: 404 },
    });
  });

  it('answers 409, 400 and 404 in Toxiproxy shapes', async () => {
    const proxy = await detailed.createProxy({ name: 'tox_errors', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
    await proxy.addToxic({ type: 'bandwidth', attributes: { rate: 10 } } as never);
    expect(await rejection(proxy.addToxic({ type: 'bandwidth', attributes: { rate: 10 } } as never))).toEqual({
      status: 409,
      body: { error: 'toxic already exists', status: 409 },
    });
    expect(await rejection(proxy.addToxic({ type: 'teleport', attributes: {} } as never))).toEqual({
      status: 400,
      body: { error: 'invalid toxic type', status: 400 },
    });
    expect(await rejection(proxy.addToxic({ type: 'latency', stream: 'sideways', attributes: {} } as never))).toEqual({
      status: 400,
      body: { error: 'stream was invalid, can be either upstream or downstream', status: 400 },
    });
    const negative = await rejection(proxy.addToxic({ name: 'neg', type: 'latency', attributes: { latency: -5 } } as never));
    expect(negative.status).toBe(400);
    expect(negative.body).toMatchObject({ error: expect.stringMatching(/latency.*milliseconds.*-5/) });
    const udpOnly = await rejection(proxy.addToxic({ type: 'duplicate', attributes: { probability: 0.1 } } as never));
    expect(udpOnly.status).toBe(400);
    expect(udpOnly.body).toMatchObject({ error: expect.stringMatching(/duplicate toxic applies to UDP proxies only/) });
    expect(await rejection(detailed.getApi().post(`${server.url}/proxies/missing/toxics`, { type: 'latency' }))).toEqual({
      status: 404,
      body: { error: 'proxy not found', status: 404 },
    });
  });
});

describe('server routes', () => {
  it('reports its version with the drill extensions', async () => {
    expect(JSON.parse(await client.getVersion())).toEqual({ version: '2.12.0+drill', drill: { extensions: ['udp'] } });
  });

  it('resets (204): every proxy enabled again, every toxic removed', async () => {
    const proxy = await client.createProxy({ name: 'reset_me', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
    await proxy.addToxic({ type: 'timeout', attributes: { timeout: 0 } } as never);
    await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    await client.reset();
    const after = await detailed.getApi().get<{ enabled: boolean; toxics: unknown[] }>(`${server.url}/proxies/reset_me`);
    expect(after.data).toMatchObject({ enabled: true, toxics: [] });
    const socket = await connect(portOf(proxy.listen));
    expect(await roundTrip(socket, 'reset')).toBe('reset');
    socket.destroy();
  });

  it('exposes bytes per proxy and direction in Prometheus text', async () => {
    const proxy = await client.createProxy({ name: 'metered', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
    const socket = await connect(portOf(proxy.listen));
    await roundTrip(socket, 'x'.repeat(100));
    socket.destroy();
    const text = await client.getApi().getText(`${server.url}/metrics`);
    const line = (name: string, direction: string) =>
      new RegExp(`^${name}\\{direction="${direction}",proxy="metered",[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1];
    expect(Number(line('toxiproxy_proxy_received_bytes_total', 'upstream'))).toBe(100);
    expect(Number(line('toxiproxy_proxy_sent_bytes_total', 'downstream'))).toBe(100);
    expect(text).toMatch(/^drill_proxy_connections_total\{proxy="metered",[^}]*\} 1$/m);
  });

  it('answers unknown routes with a JSON 404', async () => {
    expect(await rejection(detailed.getApi().get(`${server.url}/nowhere`))).toEqual({
      status: 404,
      body: { error: 'no route for /nowhere', status: 404 },
    });
  });
});

describe('runToxiproxyServer', () => {
  it('serves until stopped, then closes its proxies', async () => {
    const stop = new AbortController();
    let url = '';
    const listeners = process.listenerCount('SIGTERM');
    const running = runToxiproxyServer({ port: 0, logger: createLogger(undefined), signal: stop.signal, onStarted: (u) => (url = u) });
    await expect.poll(() => url).not.toBe('');
    const own = new Toxiproxy(url);
    const proxy = await own.createProxy({ name: 'cli', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echoPort}` });
    stop.abort();
    await running;
    expect(process.listenerCount('SIGTERM')).toBe(listeners);
    await expect(connect(portOf(proxy.listen))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(own.getVersion()).rejects.toThrow();
  });

  it('refuses to bind anything but 127.0.0.1', async () => {
    await expect(new EmbeddedToxiproxy().start({ host: '0.0.0.0', port: 0 })).rejects.toThrow(/127\.0\.0\.1 only/);
  });
});
