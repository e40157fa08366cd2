/**
 * toxiproxy-node-client's own test suite (its src/tests/*.spec.ts: 18 cases), driven through the package against
 * `drill toxiproxy` started as the real binary is, with its flags (`-host`, `-port`, `-config`, `-proxy-metrics`).
 * Same calls, bodies and expectations; where the upstream case only logs a failure in a `.catch`, this one insists
 * on the rejection. The two cases a stricter server failed: a slicer with size_variation == average_size
 * (1000/1000), and an upstream updated to `somehost:12345` (stored and returned as given; nothing dials it here).
 */
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Toxiproxy, type Proxy, type ICreateProxyBody, type Latency, type Slicer } from 'toxiproxy-node-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, releasePort } from '../../src/runtime/free-port.ts';
import { startDrill, type DrillProcess } from '../helpers/drill-cli.ts';

let drill: DrillProcess;
let url: string;
const ports: number[] = [];

beforeAll(async () => {
  for (let i = 0; i < 4; i++) ports.push(await freePort());
  const config = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-toxiproxy-config-')), 'toxiproxy.json');
  writeFileSync(config, JSON.stringify([{ name: 'from_config', listen: `127.0.0.1:${ports[3]}`, upstream: 'localhost:6379' }]));
  // The real binary's flag syntax: single dash, space or `=` before the value, a bare boolean.
  // A socket guard preloaded into the server blocks and reports any connect outside loopback (none is expected).
  const guard = path.resolve(import.meta.dirname, '../helpers/loopback-guard-preload.mjs');
  drill = startDrill(['toxiproxy', '-host', 'localhost', `-port=${ports[0]}`, '-config', config, '-proxy-metrics'], {
    NODE_OPTIONS: `--import=${guard}`,
  });
  await drill.waitForOutput(/Toxiproxy API at http:\/\/127\.0\.0\.1:\d+/);
  url = `http://localhost:${ports[0]}`;
});

afterAll(async () => {
  drill?.child.kill('SIGTERM');
  const exit = await drill?.exit;
  ports.forEach(releasePort);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(drill.output()).not.toContain('loopback-guard');
});

/** The suite's TestHelper, with the server's URL. */
async function createProxy(name: string): Promise<{ proxy: Proxy; toxiproxy: Toxiproxy }> {
  const toxiproxy = new Toxiproxy(url);
  const proxy = await toxiproxy.createProxy({ listen: 'localhost:0', name, upstream: 'localhost:6379' });
  return { proxy, toxiproxy };
}

async function createToxic<T>(proxy: Proxy, type: string, attributes: T) {
  return proxy.addToxic<T>({ attributes, type } as never);
}

async function removeAllProxies(): Promise<void> {
  const proxies = await new Toxiproxy(url).getAll();
  for (const proxy of Object.values(proxies)) await proxy.remove();
}

describe('-config and -proxy-metrics', () => {
  it('creates the proxies of the config file before the API answers, and serves /metrics', async () => {
    const proxy = await new Toxiproxy(url).get('from_config');
    expect(proxy.toJson()).toEqual({ name: 'from_config', listen: `127.0.0.1:${ports[3]}`, upstream: 'localhost:6379', enabled: true });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain(`toxiproxy_proxy_received_bytes_total{direction="upstream",proxy="from_config",listener="127.0.0.1:${ports[3]}",upstream="localhost:6379"} 0`);
  });
});

describe('Proxy.spec', () => {
  beforeAll(removeAllProxies);

  it('Proxy Should update a proxy', async () => {
    const { proxy } = await createProxy('update-proxy-test');
    const disabledProxy = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
    expect(disabledProxy.enabled).toBeFalsy();
    const updateUpstream = { enabled: true, listen: proxy.listen, upstream: 'somehost:12345' };
    const updatedUpstreamProxy = await proxy.update(updateUpstream);
    expect(updatedUpstreamProxy.enabled).toBeTruthy();
    expect(updatedUpstreamProxy.upstream).toBe(updateUpstream.upstream);
    expect((await new Toxiproxy(url).get('update-proxy-test')).upstream).toBe('somehost:12345');
    await proxy.remove();
  });

  it('Proxy Should remove a proxy', async () => {
    const { proxy } = await createProxy('remove-test');
    await proxy.remove();
    await expect(new Toxiproxy(url).get('remove-test')).rejects.toThrow('Request failed with status code 404');
  });

  it('Creating the same proxy twice should result in an error', async () => {
    const { proxy } = await createProxy('duplicate');
    await expect(createProxy('duplicate')).rejects.toThrow('Request failed with status code 409');
    await proxy.remove();
  });
});

describe('Toxic.spec', () => {
  beforeAll(removeAllProxies);

  it('CRUD for Toxics', async () => {
    const { proxy } = await createProxy('remove-toxic-test');
    const toxic = await createToxic<Latency>(proxy, 'latency', { latency: 1000, jitter: 100 });
    expect(toxic.name).toBe('latency_downstream');
    expect(toxic.toxicity).toBe(1);
    expect(toxic.attributes).toEqual({ latency: 1000, jitter: 100 });

    const toxicFromServer = await proxy.getToxic<Latency>(toxic.name);
    expect([toxicFromServer.name, toxicFromServer.type, toxicFromServer.stream, toxicFromServer.toxicity]).toEqual([
      toxic.name,
      toxic.type,
      toxic.stream,
      toxic.toxicity,
    ]);

    const updatedToxic = await toxic.update({ attributes: { latency: 12345, jitter: 42 } } as never);
    expect(updatedToxic.attributes).toEqual({ latency: 12345, jitter: 42 });

    await toxic.remove();
    await expect(proxy.getToxic(toxic.name)).rejects.toThrow('Request failed with status code 404');
    await proxy.remove();
  });

  it('Creating the same Toxic twice should result in an error', async () => {
    const { proxy } = await createProxy('duplicate-toxic-test');
    await createToxic<Latency>(proxy, 'latency', { latency: 1000, jitter: 100 });
    await expect(createToxic<Latency>(proxy, 'latency', { latency: 1000, jitter: 100 })).rejects.toThrow('Request failed with status code 409');
    await proxy.remove();
  });
});

describe('ToxicTypes.spec', () => {
  beforeAll(removeAllProxies);

  const cases: [label: string, proxyName: string, type: string, attributes: Record<string, number>][] = [
    ['latency', 'add-latency-toxic-test', 'latency', { latency: 1000, jitter: 100 }],
    ['bandwidth', 'add-bandwidth-toxic-test', 'bandwidth', { rate: 1000 }],
    ['slowclose', 'add-slowclose-toxic-test', 'slow_close', { delay: 1000 }],
    ['timeout', 'add-timeout-toxic-test', 'timeout', { timeout: 5 * 1000 }],
    ['slicer', 'add-slicer-toxic-test', 'slicer', { average_size: 1000, delay: 1000, size_variation: 1000 } satisfies Slicer],
    ['reset_peer', 'add-reset_peer-toxic-test', 'reset_peer', { timeout: 1000 }],
    ['limit_data', 'add-limit_data-toxic-test', 'limit_data', { bytes: 42 }],
  ];
  it.each(cases)('Proxy Should add a %s toxic', async (_, name, wireType, attributes) => {
    const { proxy } = await createProxy(name);
    const toxic = await createToxic(proxy, wireType, attributes);
    for (const [key, value] of Object.entries(attributes)) expect((toxic.attributes as Record<string, number>)[key]).toBe(value);
    await proxy.remove();
  });
});

describe('Toxiproxy.spec', () => {
  beforeAll(removeAllProxies);

  it('Toxiproxy Should create a proxy', async () => {
    const { proxy } = await createProxy('create-test');
    await proxy.remove();
  });

  it('Toxiproxy Should get a proxy', async () => {
    const { proxy: createdProxy, toxiproxy } = await createProxy('get-test');
    const fetchedProxy = await toxiproxy.get(createdProxy.name);
    expect(createdProxy.name).toBe(fetchedProxy.name);
    await createdProxy.remove();
  });

  it('Toxiproxy Should get version', async () => {
    expect(await new Toxiproxy(url).getVersion()).toBeTruthy();
  });

  it('Toxiproxy Should reset', async () => {
    await new Toxiproxy(url).reset();
  });

  it('Toxiproxy Should populate', async () => {
    const toxiproxy = new Toxiproxy(url);
    const proxies = await toxiproxy.populate([{ listen: 'localhost:0', name: 'get-all-test', upstream: 'localhost:6379' }]);
    await Promise.all(Object.values(proxies).map((proxy) => proxy.remove()));
  });

  it('Toxiproxy Should get all proxies', async () => {
    const toxiproxy = new Toxiproxy(url);
    const proxy1: ICreateProxyBody = { listen: `127.0.0.1:${ports[1]}`, name: 'get-all-test1', upstream: 'localhost:6379' };
    const proxy2: ICreateProxyBody = { listen: `127.0.0.1:${ports[2]}`, name: 'get-all-test2', upstream: 'localhost:12345' };
    await toxiproxy.populate([proxy1, proxy2]);
    await toxiproxy.getAll();
    const proxies = await toxiproxy.getAll();
    expect(Object.keys(proxies).length).toBe(2);
    for (const body of [proxy1, proxy2]) {
      expect(proxies[body.name]!.name).toBe(body.name);
      expect(proxies[body.name]!.listen).toBe(body.listen);
      expect(proxies[body.name]!.upstream).toBe(body.upstream);
    }
  });
});
