/**
 * Measures what a fault does to a link, so a fault counts only once its effect is seen:
 * - TCP links to HTTP services: fresh-connection HTTP requests through the link's proxy (each on a new
 *   connection, since Toxiproxy decides toxicity per connection), compared with a baseline taken before.
 * - UDP links: a twin proxy on the same server with the same toxics in front of a harness echo socket, since a
 *   UDP service need not answer arbitrary datagrams; round trips give loss and added latency.
 */
import dgram from 'node:dgram';
import http from 'node:http';
import type { PortBinding } from '../../runtime/runtime.ts';
import type { ToxicDefinition, ToxiproxyControl } from '../toxiproxy-control.ts';

export interface HttpProbeResult {
  ok: boolean;
  ms: number;
  error?: string;
}

export function probeHttp(target: PortBinding, path: string, timeoutMs: number): Promise<HttpProbeResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const request = http.get({ host: target.host, port: target.port, path, agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.once('end', () => resolve({ ok: true, ms: performance.now() - started }));
      response.once('error', (error) => resolve({ ok: false, ms: performance.now() - started, error: error.message }));
    });
    request.once('timeout', () => {
      request.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    request.once('error', (error) => resolve({ ok: false, ms: performance.now() - started, error: (error as NodeJS.ErrnoException).code ?? error.message }));
  });
}

/**
 * `count` probes one after another: their median and their fastest time (failed probes are returned separately).
 * A busy machine only ever adds delay to a probe, so the fastest one is the closest to what the link itself costs.
 */
export async function probeHttpTimes(target: PortBinding, path: string, count: number, timeoutMs: number): Promise<{ medianMs: number | null; fastestMs: number | null; failures: string[] }> {
  const times: number[] = [];
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    const result = await probeHttp(target, path, timeoutMs);
    if (result.ok) times.push(result.ms);
    else failures.push(result.error ?? 'failed');
  }
  times.sort((a, b) => a - b);
  return { medianMs: times.length ? times[Math.floor(times.length / 2)]! : null, fastestMs: times[0] ?? null, failures };
}

export interface UdpProbeResult {
  sent: number;
  received: number;
  /** Share of datagrams that did not come back. */
  loss: number;
  medianRttMs: number | null;
}

/** Round trips through a twin UDP proxy carrying `toxics`, to a harness echo socket. */
export async function probeUdpTwin(control: ToxiproxyControl, name: string, toxics: ToxicDefinition[], options: { enabled: boolean; datagrams: number; spacingMs: number }): Promise<UdpProbeResult> {
  const echo = dgram.createSocket('udp4');
  const client = dgram.createSocket('udp4');
  echo.on('message', (message, from) => echo.send(message, from.port, from.address));
  await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  const twin = `${name}__probe`;
  try {
    const [proxy] = await control.populate([{ name: twin, listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.address().port}`, protocol: 'udp', enabled: options.enabled }]);
    for (const toxic of toxics) await control.addToxic(twin, toxic);
    const port = Number(proxy!.listen.slice(proxy!.listen.lastIndexOf(':') + 1));
    const sentAt = new Map<number, number>();
    const rtts: number[] = [];
    client.on('message', (message) => {
      const sequence = message.readUInt32BE(0);
      const at = sentAt.get(sequence);
      if (at === undefined) return; // a duplicate of one already counted
      sentAt.delete(sequence);
      rtts.push(performance.now() - at);
    });
    for (let i = 0; i < options.datagrams; i++) {
      const payload = Buffer.alloc(32);
      payload.writeUInt32BE(i, 0);
      sentAt.set(i, performance.now());
      client.send(payload, port, '127.0.0.1');
      if (options.spacingMs > 0) await new Promise((r) => setTimeout(r, options.spacingMs));
    }
    const maxRtt = Math.max(500, ...toxics.map((t) => 3 * ((t.attributes.latency ?? 0) + (t.attributes.jitter ?? 0) + (t.attributes.delay ?? 0))));
    await new Promise((r) => setTimeout(r, maxRtt));
    rtts.sort((a, b) => a - b);
    return {
      sent: options.datagrams,
      received: rtts.length,
      loss: 1 - rtts.length / options.datagrams,
      medianRttMs: rtts.length ? rtts[Math.floor(rtts.length / 2)]! : null,
    };
  } finally {
    await control.deleteProxy(twin).catch(() => undefined);
    echo.close();
    client.close();
  }
}
