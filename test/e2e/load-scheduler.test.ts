/**
 * The open-model generator (ArrivalScheduler + HttpDriver) against a real local HTTP server on port 0
 * that stops answering for one second mid-run: arrivals keep starting on schedule through the stall,
 * the stall shows in the corrected p99 and much less in the uncorrected one, and arrivals are dropped
 * only when maxVUs are in flight.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { constantArrivalSchedule } from '../../src/load/arrival-schedule.ts';
import { ArrivalScheduler, type Arrival, type ArrivalProgress } from '../../src/load/arrival-scheduler.ts';
import { HttpDriver } from '../../src/load/http-driver.ts';

const RATE = 400;
const DURATION_MS = 3_000;
const STALL_FROM_MS = 1_000;
const STALL_MS = 1_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Answers `ok` at once, except that nothing is answered from STALL_FROM_MS to STALL_FROM_MS + STALL_MS after the first request. */
async function stallingServer(): Promise<{ url: string; stall: { fromMs: number; toMs: number } }> {
  const stall = { fromMs: Number.NaN, toMs: Number.NaN };
  const server = http.createServer((_req, res) => {
    const now = performance.now();
    if (Number.isNaN(stall.fromMs)) {
      stall.fromMs = now + STALL_FROM_MS;
      stall.toMs = stall.fromMs + STALL_MS;
    }
    if (now >= stall.fromMs && now < stall.toMs) setTimeout(() => res.end('ok'), stall.toMs - now);
    else res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, stall };
}

async function runAgainstStall(maxVUs: number) {
  const target = await stallingServer();
  const driver = await HttpDriver.connect({ url: target.url, connections: 5, timeoutMs: 10_000 });
  cleanups.push(() => driver.close());
  const scheduler = new ArrivalScheduler(constantArrivalSchedule(RATE, 1_000, DURATION_MS), { maxVUs, gracefulStopMs: 5_000 });
  const startedAtMs: number[] = [];
  const fire = (arrival: Arrival, stop: AbortSignal) => {
    startedAtMs.push(performance.now());
    return driver.fire(arrival, stop);
  };
  const running = scheduler.start(fire);
  const samples: (ArrivalProgress & { atMs: number })[] = [];
  const sampler = setInterval(() => samples.push({ ...running.progress(), atMs: performance.now() }), 50);
  const report = await running.finished().finally(() => clearInterval(sampler));
  return { report, results: driver.results(), stall: target.stall, startedAtMs, samples };
}

describe('ArrivalScheduler with HttpDriver against a stalling server', () => {
  it('keeps the rate through a one-second stall, and the stall shows in the corrected p99', async () => {
    const { report, results, stall, startedAtMs } = await runAgainstStall(1_000);

    expect(report.scheduled).toBe(RATE * (DURATION_MS / 1_000));
    expect(report).toMatchObject({ arrivals: report.scheduled, dropped: 0, interrupted: 0, errors: 0 });
    expect(results).toMatchObject({ requests: report.scheduled, failed: 0 });

    // Arrivals kept starting while the server answered nothing (an open model does not wait).
    const duringStall = startedAtMs.filter((t) => t >= stall.fromMs + 100 && t < stall.toMs - 100).length;
    expect(duringStall).toBeGreaterThan(RATE * 0.8 * 0.75);
    // Generous: the server shares this process, and the machine is shared.
    expect(report.lag.percentileMs(99)).toBeLessThan(0.25 * STALL_MS);

    const corrected = results.latency.corrected.percentileMs(99);
    const uncorrected = results.latency.uncorrected.percentileMs(99);
    expect(corrected).toBeGreaterThan(0.7 * STALL_MS);
    expect(uncorrected).toBeLessThan(0.2 * STALL_MS);
    expect(corrected).toBeGreaterThan(4 * uncorrected);
    // The few requests on the stalled connections waited the whole second, uncorrected too.
    expect(results.latency.uncorrected.maxMs).toBeGreaterThan(0.8 * STALL_MS);
  });

  it('drops arrivals only while maxVUs are in flight', async () => {
    const maxVUs = 100;
    const { report, results, stall, samples } = await runAgainstStall(maxVUs);

    expect(report.arrivals + report.dropped).toBe(report.scheduled);
    expect(results.requests).toBe(report.arrivals);
    // In-flight arrivals hit maxVUs a quarter second into the stall; the rest of the stall's arrivals are dropped.
    const expectedDrops = RATE * (STALL_MS / 1_000) - maxVUs;
    expect(report.dropped).toBeGreaterThan(expectedDrops * 0.6);
    expect(report.dropped).toBeLessThan(expectedDrops * 1.3);
    const before = samples.filter((s) => s.atMs < stall.fromMs);
    const afterRecovery = samples.filter((s) => s.atMs > stall.toMs + 200 && s.state === 'running');
    expect(before.at(-1)!.dropped).toBe(0);
    expect(afterRecovery[0]!.dropped).toBe(report.dropped);
    expect(Math.max(...samples.map((s) => s.inFlight))).toBe(maxVUs);
  });
});
