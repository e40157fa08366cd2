/**
 * ToxiproxyControl, the harness-side client: its calls take effect on the embedded server, every request times
 * out, retries are bounded and safe, and a stock Toxiproxy is told apart when a setup needs drill's extensions.
 * The hanging and stock servers here stand in for a real Toxiproxy's failure modes (#412/#558 and no UDP).
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultError } from '../../src/common/errors.ts';
import { EmbeddedToxiproxy, type StartedEmbeddedToxiproxy } from '../../src/faults/embedded-toxiproxy.ts';
import { ToxiproxyCallError, ToxiproxyControl } from '../../src/faults/toxiproxy-control.ts';

let server: StartedEmbeddedToxiproxy;
let control: ToxiproxyControl;
let echo: net.Server;
let echoPort: number;
const fakes: http.Server[] = [];

beforeAll(async () => {
  echo = net.createServer((socket) => socket.pipe(socket).on('error', () => undefined));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as net.AddressInfo).port;
  server = await new EmbeddedToxiproxy({ seed: 3 }).start();
  control = new ToxiproxyControl(server.url, { timeoutMs: 2_000, retryDelayMs: 20 });
});

afterAll(async () => {
  for (const fake of fakes) fake.closeAllConnections();
  await Promise.all(fakes.map((fake) => new Promise((resolve) => fake.close(resolve))));
  await server?.stop();
  await new Promise((resolve) => echo?.close(resolve));
});

/** An HTTP server on a free port whose answers the test scripts; every request is recorded. */
async function fakeServer(handle: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const fake = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      handle(req, res, body);
    });
  });
  fakes.push(fake);
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(fake.address() as net.AddressInfo).port}`, seen };
}

async function rttMs(port: number): Promise<number> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  const started = performance.now();
  socket.write('x');
  await new Promise((resolve) => socket.once('data', resolve));
  socket.destroy();
  return performance.now() - started;
}

describe('against the embedded server', () => {
  it('populates, adds, updates and removes toxics, partitions and resets, with effect on traffic', async () => {
    const [proxy] = await control.populate([{ name: 'ctl', upstream: `127.0.0.1:${echoPort}` }]);
    const port = Number(proxy!.listen.split(':')[1]);

    const added = await control.addToxic('ctl', { type: 'latency', attributes: { latency: 60, jitter: 0 } });
    expect(added).toMatchObject({ name: 'latency_downstream', attributes: { latency: 60, jitter: 0 } });
    expect(await rttMs(port)).toBeGreaterThanOrEqual(58);

    // A ramp step computes fractions; Toxiproxy decodes milliseconds as integers, so the control rounds them.
    const updated = await control.updateToxic('ctl', 'latency_downstream', { attributes: { latency: 149.6 } });
    expect(updated.attributes).toEqual({ latency: 150, jitter: 0 });
    expect(await rttMs(port)).toBeGreaterThanOrEqual(148);

    await control.removeToxic('ctl', 'latency_downstream');
    await control.removeToxic('ctl', 'latency_downstream');
    expect(await rttMs(port)).toBeLessThan(50);

    await control.setEnabled('ctl', false);
    await expect(rttMs(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await control.addToxic('ctl', { type: 'bandwidth', attributes: { rate: 1 } });
    await control.reset();
    expect(await control.getProxy('ctl')).toMatchObject({ enabled: true, toxics: [] });
    expect(await rttMs(port)).toBeLessThan(50);
  });

  it('reports a rejected call with the status and the server message, without retrying', async () => {
    const error = await control.getProxy('missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToxiproxyCallError);
    expect(error).toMatchObject({ status: 404, body: { error: 'proxy not found', status: 404 } });
    expect((error as Error).message).toMatch(/could not read proxy missing: .*404: proxy not found$/);
  });

  it('accepts a setup that needs drill extensions', async () => {
    await expect(control.ensureSupports({ proxies: [{ name: 'media', protocol: 'udp' }] })).resolves.toBeUndefined();
    expect(await control.serverInfo()).toEqual({ version: '2.12.0+drill', drill: true, extensions: ['udp'] });
  });
});

describe('when the server misbehaves', () => {
  it('times out each request and gives up after the allowed attempts', async () => {
    const hanging = await fakeServer(() => undefined);
    const impatient = new ToxiproxyControl(hanging.url, { timeoutMs: 150, attempts: 3, retryDelayMs: 10 });
    const started = performance.now();
    const error = await impatient.reset().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToxiproxyCallError);
    expect((error as Error).message).toMatch(/could not reset after 3 attempts: .*no answer within 150 ms/);
    expect(hanging.seen).toEqual(['POST /reset', 'POST /reset', 'POST /reset']);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('retries an add whose answer was lost, and leaves the toxic as asked', async () => {
    // Forwards to the embedded server, but answers the first toxic creation only after the client gave up.
    let delayed = false;
    const front = await fakeServer((req, res, body) => {
      const delay = !delayed && req.method === 'POST' && /\/toxics$/.test(req.url ?? '');
      delayed ||= delay;
      void fetch(`${server.url}${req.url}`, { method: req.method!, ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}) }).then(
        async (answer) => {
          const text = await answer.text();
          setTimeout(() => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text), delay ? 400 : 0);
        },
      );
    });
    await control.populate([{ name: 'flaky', upstream: `127.0.0.1:${echoPort}` }]);
    const retrying = new ToxiproxyControl(front.url, { timeoutMs: 200, attempts: 3, retryDelayMs: 10 });
    const toxic = await retrying.addToxic('flaky', { type: 'latency', attributes: { latency: 42, jitter: 0 } });
    expect(toxic.attributes).toEqual({ latency: 42, jitter: 0 });
    expect(front.seen.filter((line) => line === 'POST /proxies/flaky/toxics')).toHaveLength(2);
    expect((await control.getProxy('flaky')).toxics).toHaveLength(1);
  });

  it('tells clearly that a stock Toxiproxy cannot serve UDP proxies or toxics', async () => {
    const stock = await fakeServer((req, res, body) => {
      if (req.url === '/version') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"version": "2.12.0"}\n');
      if (req.url === '/populate') {
        // A stock server ignores `protocol` and makes TCP proxies.
        const proxies = (JSON.parse(body) as { name: string; upstream: string }[]).map(({ name, upstream }) => ({
          name,
          upstream,
          listen: '127.0.0.1:40000',
          enabled: true,
          toxics: [],
        }));
        return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ proxies }));
      }
      res.writeHead(204).end();
    });
    const toStock = new ToxiproxyControl(stock.url, { timeoutMs: 1_000 });
    await expect(toStock.ensureSupports({ proxies: [{ name: 'tcp_only', protocol: 'tcp' }] })).resolves.toBeUndefined();

    const needs = { proxies: [{ name: 'media', protocol: 'udp' as const }], toxics: [{ proxy: 'media', type: 'loss' }] };
    const refused = await toStock.ensureSupports(needs).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FaultError);
    expect((refused as Error).message).toMatch(/UDP proxy media; loss toxic on media.*stock Toxiproxy 2\.12\.0/);

    const populated = await toStock.populate([{ name: 'media', upstream: '127.0.0.1:5000', protocol: 'udp' }]).catch((e: unknown) => e);
    expect((populated as Error).message).toMatch(/UDP proxy media.*stock Toxiproxy/);
    expect(stock.seen).toContain('DELETE /proxies/media');
  });
});
