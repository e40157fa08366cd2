/**
 * The TCP `loss` toxic (a drill extension): lost segments are retransmitted after the RTO, so every byte arrives,
 * in order, and the affected requests stall by about the RTO.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedToxiproxy, type StartedEmbeddedToxiproxy } from '../../src/faults/embedded-toxiproxy.ts';
import { ToxiproxyControl } from '../../src/faults/toxiproxy-control.ts';
import { probeHttp } from '../../src/faults/timeline/fault-probe.ts';

let server: StartedEmbeddedToxiproxy;
let target: http.Server;
let control: ToxiproxyControl;
let proxyPort: number;
const body = 'x'.repeat(10_000);

beforeAll(async () => {
  target = http.createServer((_request, response) => response.end(body));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  server = await new EmbeddedToxiproxy({ seed: 5 }).start();
  control = new ToxiproxyControl(server.url);
  const [proxy] = await control.populate([{ name: 'web', upstream: `127.0.0.1:${(target.address() as AddressInfo).port}` }]);
  proxyPort = Number(proxy!.listen.split(':')[1]);
});

afterAll(async () => {
  await server.stop();
  await new Promise((resolve) => target.close(resolve));
});

async function fetchAll(count: number): Promise<{ ms: number[]; complete: number }> {
  const ms: number[] = [];
  let complete = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const text = await new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: proxyPort, path: '/', agent: false }, (response) => {
        let data = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (data += chunk)).on('end', () => resolve(data));
      }).on('error', reject);
    });
    ms.push(performance.now() - started);
    if (text === body) complete++;
  }
  return { ms, complete };
}

describe('TCP loss toxic', () => {
  it('is accepted on a TCP proxy and delays lost chunks by the RTO without losing bytes', async () => {
    expect((await probeHttp({ name: 'p', protocol: 'tcp', host: '127.0.0.1', port: proxyPort }, '/', 1_000)).ok).toBe(true);
    await control.addToxic('web', { type: 'loss', stream: 'downstream', attributes: { probability: 0.5, correlation: 0, rto: 100 } });
    const lossy = await fetchAll(20);
    await control.removeToxic('web', 'loss_downstream');
    const clean = await fetchAll(20);
    expect(lossy.complete).toBe(20); // TCP delivers every byte
    const stalled = lossy.ms.filter((ms) => ms >= 90).length;
    // With half the chunks lost, most responses wait at least one RTO; without the toxic none does.
    expect(stalled).toBeGreaterThanOrEqual(6);
    expect(clean.ms.filter((ms) => ms >= 90).length).toBeLessThan(3);
  });
});
