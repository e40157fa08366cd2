/**
 * The fault timeline on a manual clock against the embedded fault server: ramps step exactly, never race the
 * removal, and a two-way fault acts on both links. Time moves only when the test says so; the server is real.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../common/clock.ts';
import { faultSchema } from '../../scenario/faults-schema.ts';
import { Timeline } from '../../sli/timeline.ts';
import { EmbeddedToxiproxy, type StartedEmbeddedToxiproxy } from '../embedded-toxiproxy.ts';
import { ToxiproxyControl } from '../toxiproxy-control.ts';
import { FaultTimeline } from './fault-timeline.ts';
import { LinkProxies } from './link-proxies.ts';

let server: StartedEmbeddedToxiproxy;
let control: ToxiproxyControl;
let links: LinkProxies;
let clock: ManualClock;
let timeline: Timeline;

beforeEach(async () => {
  server = await new EmbeddedToxiproxy({ seed: 1 }).start();
  control = new ToxiproxyControl(server.url, { timeoutMs: 2_000, retryDelayMs: 20 });
  links = new LinkProxies(control);
  clock = new ManualClock();
  timeline = new Timeline(clock.wallMs());
  // Upstreams are never dialled here: the tests read the proxies back from the server.
  for (const [from, to, port] of [
    ['a', 'b', 9],
    ['b', 'a', 10],
  ] as const) {
    await links.route({ from, to, protocol: 'tcp', port: 'http' }, { name: 'http', protocol: 'tcp', host: '127.0.0.1', port });
  }
});

afterEach(async () => {
  await server.stop();
});

function timelineOf(faults: unknown[]): FaultTimeline {
  return new FaultTimeline({
    faults: faults.map((f) => faultSchema.parse(f)),
    control,
    links,
    timeline,
    probePath: () => undefined,
    verify: true,
    clock,
  });
}

const faultEvents = () => timeline.events.filter((e) => e.source === 'fault').map((e) => e.type);
const latencyOn = async (proxy: string) =>
  (await control.getProxy(proxy)).toxics.find((t) => t.name === 'fault0_latency')?.attributes.latency;

describe('FaultTimeline', () => {
  it('steps a ramp to `to` before the fault clears, and verifies an unprobed toxic by reading it back', async () => {
    const faults = timelineOf([
      { at: 0, for: 600, link: 'a->b', type: 'latency', latency: 0, ramp: { attribute: 'latency', from: 0, to: 100, step: 200 } },
    ]);
    faults.start(clock.wallMs());
    clock.advance(0);
    await vi.waitFor(() => expect(faultEvents()).toEqual(['inject']));
    expect(timeline.events[0]!.detail).toContain('verified: accepted by server: fault0_latency read back with {"latency":0,"jitter":0}');
    clock.advance(200);
    await vi.waitFor(async () => expect(await latencyOn('a_to_b')).toBe(50));
    clock.advance(200);
    await vi.waitFor(() => expect(faultEvents()).toEqual(['inject', 'ramp-end']));
    expect(await latencyOn('a_to_b')).toBe(100);
    clock.advance(200);
    await vi.waitFor(() => expect(faultEvents()).toEqual(['inject', 'ramp-end', 'clear']));
    expect(await latencyOn('a_to_b')).toBeUndefined();
    await faults.stop();
    expect(faults.errors).toEqual([]);
  });

  it('runs late ramp steps before the removal when they all fall due at once', async () => {
    const faults = timelineOf([
      { at: 0, for: 600, link: 'a->b', type: 'latency', latency: 0, ramp: { attribute: 'latency', from: 0, to: 100, step: 100 } },
    ]);
    faults.start(clock.wallMs());
    clock.advance(0);
    await vi.waitFor(() => expect(faultEvents()).toEqual(['inject']));
    clock.advance(600); // every step and the removal are due now
    await vi.waitFor(() => expect(faultEvents()).toEqual(['inject', 'ramp-end', 'clear']));
    await faults.stop();
    expect(faults.errors).toEqual([]);
    expect((await control.getProxy('a_to_b')).toxics).toEqual([]);
  });

  it('cuts both links of a two-way partition and restores both', async () => {
    const faults = timelineOf([{ at: 100, for: 300, link: 'a<->b', type: 'partition' }]);
    faults.start(clock.wallMs());
    clock.advance(100);
    await vi.waitFor(() => expect(faultEvents()).toEqual(['inject', 'inject']));
    expect(timeline.events.map((e) => e.target)).toEqual(['a_to_b', 'b_to_a']);
    expect(timeline.events.every((e) => e.detail?.includes('verified: accepted by server: proxy'))).toBe(true);
    expect((await control.getProxy('a_to_b')).enabled).toBe(false);
    expect((await control.getProxy('b_to_a')).enabled).toBe(false);
    clock.advance(300);
    await vi.waitFor(() => expect(faultEvents()).toEqual(['inject', 'inject', 'clear', 'clear']));
    expect((await control.getProxy('a_to_b')).enabled).toBe(true);
    expect((await control.getProxy('b_to_a')).enabled).toBe(true);
    await faults.stop();
    expect(faults.errors).toEqual([]);
  });

  it('cancels what has not started when stopped', async () => {
    const faults = timelineOf([{ at: 1_000, link: 'a->b', type: 'bandwidth', rate: 10 }]);
    faults.start(clock.wallMs());
    await faults.stop();
    clock.advance(1_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(faultEvents()).toEqual([]);
    expect((await control.getProxy('a_to_b')).toxics).toEqual([]);
  });
});
