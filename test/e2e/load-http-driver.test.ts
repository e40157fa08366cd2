/**
 * The http driver against a real local server on port 0 with scripted responses: statuses, body
 * framings, connection closes, timeouts, a refused target, and the loopback rule.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/common/clock.ts';
import { InfrastructureError, UsageError } from '../../src/common/errors.ts';
import { HttpConnectionPool } from '../../src/load/http-connection-pool.ts';
import { HttpDriver, type HttpDriverOptions } from '../../src/load/http-driver.ts';
import { encodeHttpRequest } from '../../src/load/http-request-encoder.ts';

type Script = (req: http.IncomingMessage, res: http.ServerResponse) => void;

const servers: http.Server[] = [];
const drivers: HttpDriver[] = [];

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(script: Script): Promise<{ url: string; requests: http.IncomingMessage[]; connections: () => number }> {
  const requests: http.IncomingMessage[] = [];
  let connections = 0;
  const server = http.createServer((req, res) => {
    requests.push(req);
    script(req, res);
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, connections: () => connections };
}

async function connect(options: HttpDriverOptions): Promise<HttpDriver> {
  const driver = await HttpDriver.connect(options);
  drivers.push(driver);
  return driver;
}

const arrival = (index: number) => ({ index, intendedAtMs: performance.now() });

describe('HttpDriver', () => {
  it('sends the configured request and counts expected and unexpected statuses', async () => {
    const bodies: string[] = [];
    const target = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        bodies.push(body);
        res.statusCode = req.headers['x-n'] === 'fail' || bodies.length % 2 === 0 ? 503 : 201;
        res.end('{"ok":true}');
      });
    });
    const driver = await connect({
      url: target.url,
      method: 'POST',
      path: '/orders?x=1',
      headers: { 'X-N': 'one' },
      body: '{"n":1}',
      connections: 2,
    });
    await Promise.all([0, 1, 2, 3].map((i) => driver.fire(arrival(i))));
    const results = driver.results();
    expect(results).toMatchObject({
      requests: 4,
      failed: 2,
      unexpectedStatus: 2,
      timeouts: 0,
      errors: 0,
      statusCounts: { '201': 2, '503': 2 },
    });
    expect(results.latency.count).toBe(4);
    expect(target.requests[0]).toMatchObject({ method: 'POST', url: '/orders?x=1' });
    expect(target.requests[0]!.headers['x-n']).toBe('one');
    expect(bodies).toEqual(['{"n":1}', '{"n":1}', '{"n":1}', '{"n":1}']);
  });

  it('reuses its connections and reads chunked, HEAD and close-delimited responses', async () => {
    const target = await serve((req, res) => {
      if (req.method === 'HEAD') return res.writeHead(200, { 'Content-Length': '100' }).end();
      if (req.url === '/chunked') {
        res.write('a'.repeat(10_000));
        setTimeout(() => res.end('b'.repeat(70_000)), 5);
        return;
      }
      // A body delimited by the connection closing: no Content-Length, no chunking.
      res.socket!.end('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nbye');
    });
    const chunked = await connect({ url: `${target.url}/chunked`, connections: 1 });
    for (let i = 0; i < 5; i++) await chunked.fire(arrival(i));
    expect(chunked.results()).toMatchObject({ requests: 5, failed: 0 });

    const head = await connect({ url: target.url, method: 'HEAD', connections: 1 });
    for (let i = 0; i < 3; i++) await head.fire(arrival(i));
    expect(head.results()).toMatchObject({ requests: 3, failed: 0 });
    expect(target.connections()).toBe(2);

    const closing = await connect({ url: `${target.url}/close`, connections: 1 });
    for (let i = 0; i < 3; i++) await closing.fire(arrival(i));
    expect(closing.results()).toMatchObject({ requests: 3, failed: 0 });
    expect(target.connections()).toBe(5);
  });

  it('fails requests with no response within the timeout, counted from the intended start', async () => {
    const target = await serve((req, res) => {
      if (req.url === '/fast') res.end('ok'); // '/hang' never answers
    });
    const hanging = await connect({ url: `${target.url}/hang`, connections: 1, timeoutMs: 200 });
    const started = performance.now();
    // The second request waits in the queue behind the first and times out there.
    const results = await Promise.all([hanging.fire(arrival(0)), hanging.fire(arrival(1))]);
    expect(results.map((r) => r.failure)).toEqual(['timeout', 'timeout']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(hanging.results()).toMatchObject({ requests: 2, failed: 2, timeouts: 2 });

    const fast = await connect({ url: `${target.url}/fast`, connections: 1, timeoutMs: 200 });
    const late = await fast.fire({ index: 0, intendedAtMs: performance.now() - 1_000 });
    expect(late.failure).toBe('timeout');
    expect((await fast.fire(arrival(1))).status).toBe(200); // the connection came back
  });

  it('counts a connection reset as an error and reconnects for the next request', async () => {
    let n = 0;
    const target = await serve((req, res) => {
      if (n++ === 0) req.socket.destroy();
      else res.end('ok');
    });
    const driver = await connect({ url: target.url, connections: 1 });
    const first = await driver.fire(arrival(0));
    expect(first.failure).toBe('error');
    expect((await driver.fire(arrival(1))).status).toBe(200);
    expect(driver.results()).toMatchObject({ requests: 2, errors: 1, failed: 1 });
    expect(Object.values(driver.results().errorCodes)).toEqual([1]);
  });

  it('abandons requests in flight when the run stop signal aborts', async () => {
    const target = await serve(() => {});
    const driver = await connect({ url: target.url, connections: 1, timeoutMs: 60_000 });
    const stop = new AbortController();
    const pending = [driver.fire(arrival(0), stop.signal), driver.fire(arrival(1), stop.signal)];
    stop.abort();
    expect((await Promise.all(pending)).map((r) => r.failure)).toEqual(['aborted', 'aborted']);
    expect(driver.results()).toMatchObject({ requests: 0, aborted: 2 });
  });

  it('reports a target that refuses connections as an infrastructure failure', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    await expect(HttpDriver.connect({ url: `http://127.0.0.1:${port}` })).rejects.toThrow(InfrastructureError);
  });

  it('refuses targets off this machine', async () => {
    await expect(HttpDriver.connect({ url: 'http://192.0.2.1:80' })).rejects.toThrow(UsageError);
    await expect(HttpDriver.connect({ url: 'https://127.0.0.1:443' })).rejects.toThrow(/http:\/\//);
  });
  it('fails a long queue of requests that expired during a stall as timeouts, one after another, when the connection frees up', async () => {
    const held: http.ServerResponse[] = [];
    const target = await serve((_req, res) => held.push(res));
    const clock = new ManualClock();
    const url = new URL(target.url);
    // One connection: the first request waits at the server, the rest queue behind it. No sweep: the freed
    // connection itself meets the expired queue, as when a stall outlasts the sweep's turn.
    const pool = new HttpConnectionPool({
      host: url.hostname,
      port: Number(url.port),
      request: encodeHttpRequest({ method: 'GET', path: '/', host: url.host }),
      bodyless: false,
      clock,
      connections: 1,
      timeoutMs: 10_000,
      sweepEveryMs: 3_600_000,
    });
    try {
      await pool.open();
      const queued = 60_000;
      const results = Array.from({ length: queued + 1 }, () => pool.send(0));
      while (held.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      clock.advance(20_000);
      held[0]!.end('late');
      const outcomes = await Promise.all(results);
      expect(outcomes.filter((r) => r.failure === 'timeout')).toHaveLength(queued + 1);
      expect(pool.queued).toBe(0);
    } finally {
      pool.close();
    }
  });
});
