/**
 * The fault server's bounds on its input: bodies nested too deep are a 400 (not a 500 from a stack overflow), and
 * proxies, toxics per proxy and name lengths have caps, each refused with a 400 that names the cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NAME_CHARS, MAX_PROXIES, MAX_TOXICS_PER_PROXY } from '../../src/faults/api-limits.ts';
import { MAX_JSON_DEPTH } from '../../src/faults/api/request-body.ts';
import { EmbeddedToxiproxy, type StartedEmbeddedToxiproxy } from '../../src/faults/embedded-toxiproxy.ts';

let server: StartedEmbeddedToxiproxy;

beforeAll(async () => {
  server = await new EmbeddedToxiproxy({ seed: 1 }).start();
});

afterAll(async () => {
  await server?.stop();
});

async function call(method: string, route: string, body: unknown): Promise<{ status: number; json: { error?: string } }> {
  const response = await fetch(`${server.url}${route}`, { method, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as { error?: string } };
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('limits of the Toxiproxy API', () => {
  it.each([
    ['/populate', nested(100_000)],
    ['/proxies', `{"name": ${nested(10_000)}}`],
    ['/proxies', `{"name": "a", "upstream": "127.0.0.1:1", "x": ${nested(MAX_JSON_DEPTH)}}`],
  ])('answers 400 to a body nested too deep (POST %s)', async (route, body) => {
    expect(await call('POST', route, body)).toEqual({
      status: 400,
      json: { error: `bad request body: arrays and objects nest more than ${MAX_JSON_DEPTH} levels deep; Toxiproxy's bodies nest 3`, status: 400 },
    });
  });

  it('cuts long values in error messages', async () => {
    const { status, json } = await call('POST', '/populate', { proxies: 'x'.repeat(10_000) });
    expect(status).toBe(400);
    expect(json.error!.length).toBeLessThan(200);
  });

  it(`caps names at ${MAX_NAME_CHARS} characters and toxics at ${MAX_TOXICS_PER_PROXY} a proxy`, async () => {
    const long = 'n'.repeat(MAX_NAME_CHARS + 1);
    expect(await call('POST', '/proxies', { name: long, upstream: '127.0.0.1:9' })).toEqual({
      status: 400,
      json: { error: `bad request body: proxy \`name\` must be at most ${MAX_NAME_CHARS} characters, got ${MAX_NAME_CHARS + 1}`, status: 400 },
    });
    expect((await call('POST', '/proxies', { name: 'toxic-host', upstream: '127.0.0.1:9', enabled: false })).status).toBe(201);
    expect((await call('POST', '/proxies/toxic-host/toxics', { type: 'latency', name: long })).status).toBe(400);
    for (let i = 0; i < MAX_TOXICS_PER_PROXY; i++) {
      expect((await call('POST', '/proxies/toxic-host/toxics', { type: 'latency', name: `t${i}` })).status).toBe(200);
    }
    expect((await call('POST', '/proxies/toxic-host/toxics', { type: 'latency', name: 'over' })).json.error).toBe(
      `bad request body: a proxy holds at most ${MAX_TOXICS_PER_PROXY}; it has ${MAX_TOXICS_PER_PROXY} and this request adds 1: delete some first`,
    );
  });
  it(`holds at most ${MAX_PROXIES} proxies`, async () => {
    const entries = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({ name: `p${from + i}`, upstream: '127.0.0.1:9', enabled: false }));
    // One proxy is left from the test before.
    expect((await call('POST', '/populate', entries(0, MAX_PROXIES - 2))).status).toBe(201);
    const over = await call('POST', '/populate', entries(MAX_PROXIES - 2, 2));
    expect(over).toEqual({
      status: 400,
      json: { error: `bad request body: the fault server holds at most ${MAX_PROXIES}; it has ${MAX_PROXIES - 1} and this request adds 2: delete some first`, status: 400 },
    });
    // Re-populating proxies it has adds none.
    expect((await call('POST', '/populate', entries(0, 10))).status).toBe(201);
    expect((await call('POST', '/proxies', { name: 'last', upstream: '127.0.0.1:9', enabled: false })).status).toBe(201);
    expect((await call('POST', '/proxies', { name: 'one-more', upstream: '127.0.0.1:9', enabled: false })).status).toBe(400);
  });
});
