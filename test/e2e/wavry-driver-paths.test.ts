/**
 * The WavryDriver's data paths on a running Wavry stack (fixture processes): the direct path as a WebRTC data
 * channel with the host fixture answering offers, the fallback to the host's UDP address for a host that ignores them
 * (remembered, so only its first viewer waits), one loopback address per viewer, so more viewers than the
 * gateway lets one IP bind in a minute all get in, and an offer to a host that is not online counted as such.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WavryDriver } from '../../src/load/wavry/wavry-driver.ts';
import { LatencyHistogram } from '../../src/load/latency-histogram.ts';
import { wavryWorkload } from '../../src/scenario/workload-schema.ts';
import { sliCatalog } from '../../src/sli/catalog.ts';
import { PhasedSlis } from '../../src/sli/phased-slis.ts';
import { SeriesRecorder } from '../../src/sli/series-recorder.ts';
import type { SliValue } from '../../src/report/report-schema.ts';
import type { HostHealth } from '../../src/wire/wavry.ts';
import { startWavryStack, type WavryStack } from '../helpers/wavry-peers.ts';

const spec = wavryWorkload.parse({
  type: 'wavry',
  gateway: 'gateway',
  master: 'master',
  hosts: ['host'],
  relayShare: 0,
  sessionDuration: 2_000,
  inputRate: 50,
  // The real client's 6 × 2 s: a data channel between two libdatachannel peers often needs a DTLS retransmission
  // (1 s, then 2 s) because the answerer's first flight can arrive before the offerer's ICE check completes.
  handshakeAttempts: 6,
  handshakeInterval: 2_000,
  controlPlaneRelays: 0,
});

let stack: WavryStack;

beforeAll(async () => {
  stack = await startWavryStack({
    relays: 1,
    sessionRelease: '0.1.0',
    hosts: [{ username: 'host-udp', env: { WAVRY_HOST_WEBRTC: '0' } }, { username: 'host-rtc' }],
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** Runs `batches` of sessions (each batch at once, one batch after the other) against one host. */
async function drive(host: string, batches: number[]): Promise<{ slis: Record<string, SliValue>; driver: WavryDriver }> {
  const slis = new PhasedSlis(() => new LatencyHistogram(), Date.now());
  slis.startPhase('run');
  const driver = new WavryDriver(spec, { ...stack.targets(), hosts: [{ name: host, username: host }] }, 8);
  await driver.prepare({ slis, series: new SeriesRecorder(1_000, Date.now(), 'latency') });
  let index = 0;
  for (const size of batches) {
    await Promise.all(Array.from({ length: size }, () => driver.fire({ index: index++, intendedAtMs: Date.now() })));
  }
  await driver.finish();
  await driver[Symbol.asyncDispose]();
  return { slis: slis.run.summarize(sliCatalog.wavry!, 10_000, ''), driver };
}

const hostHealth = async (index = 0) => (await (await fetch(`${stack.hosts[index]!.healthUrl}/health`)).json()) as HostHealth;

describe('WavryDriver data paths', () => {
  it('goes direct over a WebRTC data channel when the host answers the offer', async () => {
    const before = await hostHealth(1);
    const { slis, driver } = await drive('host-rtc', [3]);
    const after = await hostHealth(1);
    expect(driver.failures).toEqual([]);
    expect(slis.session_setup_success).toMatchObject({ count: 3, total: 3 });
    expect(slis.relay_share).toMatchObject({ count: 0, total: 3 });
    expect(slis.webrtc_share).toMatchObject({ count: 3, total: 3 });
    expect(after.counters.webrtc_offers_answered - before.counters.webrtc_offers_answered).toBe(3);
    // 100 inputs and 4 pings per session crossed the data channel (plus a handshake ping or two).
    expect(slis.input_to_present_direct!.count).toBe(300);
    expect(after.counters.frames_presented - before.counters.frames_presented).toBe(300);
    expect(after.counters.direct_packets - before.counters.direct_packets).toBeGreaterThanOrEqual(3 * 104);
    expect(slis.loss_direct).toMatchObject({ count: 0, total: 3 * 104 });
  });

  it('falls back to the UDP address of a host that ignores offers, and remembers it', async () => {
    const ignoredOffers = () => stack.fixtures.flatMap((f) => f.lines).filter((line) => line.includes('webrtc_offer_ignored')).length;
    const before = await hostHealth();
    const offersBefore = ignoredOffers();
    const { slis, driver } = await drive('host-udp', [1, 3]);
    expect(driver.failures).toEqual([]);
    expect(slis.session_setup_success).toMatchObject({ count: 4, total: 4 });
    expect(slis.relay_share).toMatchObject({ count: 0, total: 4 });
    expect(slis.webrtc_share).toMatchObject({ count: 0, total: 4 });
    expect(slis.input_to_present_direct!.count).toBe(400);
    const after = await hostHealth();
    expect(after.counters.frames_presented - before.counters.frames_presented).toBe(400);
    // Only the first viewer offered WebRTC (and waited one handshake interval, 2 s, for an answer that never came).
    expect(ignoredOffers() - offersBefore).toBe(1);
  });

  it('gives every viewer its own loopback address, so 12 viewers bind at once under a 10-a-minute per-IP limit', async () => {
    const { slis, driver } = await drive('host-udp', [12]);
    expect(driver.failures).toEqual([]);
    expect(slis.session_setup_success).toMatchObject({ count: 12, total: 12 });
    expect(slis.handshake_failures_auth).toMatchObject({ count: 0 });
  });

  it('counts an offer to a host that is not online (the gateway drops it unanswered) as host_unavailable', async () => {
    const { slis, driver } = await drive('host-offline', [1]);
    expect(slis.handshake_failures).toMatchObject({ count: 1, total: 1 });
    expect(slis.handshake_failures_host_unavailable).toMatchObject({ count: 1 });
    expect(slis.handshake_failures_bind_timeout).toMatchObject({ count: 0 });
    expect(driver.failures).toEqual([expect.stringMatching(/^host_unavailable: offer: /)]);
  });
});
