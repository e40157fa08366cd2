/**
 * The http workload as a run drives it (WorkloadDriver): responses land in the run's phased SLIs and
 * series, with arrivals in epoch ms as the run hands them over.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpWorkloadDriver } from '../../src/load/http-workload-driver.ts';
import { LatencyHistogram } from '../../src/load/latency-histogram.ts';
import { workloadSchema, type HttpWorkloadSpec } from '../../src/scenario/workload-schema.ts';
import { PhasedSlis } from '../../src/sli/phased-slis.ts';
import { SeriesRecorder } from '../../src/sli/series-recorder.ts';

let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.statusCode = req.url === '/missing' ? 404 : 200;
    setTimeout(() => res.end('ok'), 20);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('HttpWorkloadDriver', () => {
  it('records corrected and uncorrected latency and failures into the phased SLIs', async () => {
    const spec = workloadSchema.parse({ type: 'http', target: 'web.http', path: '/missing', connections: 2 }) as HttpWorkloadSpec;
    const startedAtMs = Date.now();
    const slis = new PhasedSlis(() => new LatencyHistogram(), startedAtMs);
    slis.startPhase('run', startedAtMs);
    const series = new SeriesRecorder(1_000, startedAtMs, 'latency');
    await using driver = new HttpWorkloadDriver(spec, url);
    await driver.prepare({ slis, series });

    // Intended 200 ms ago: the corrected latency includes that wait, the uncorrected one does not.
    await Promise.all([0, 1, 2].map((index) => driver.fire({ index, intendedAtMs: Date.now() - 200 })));
    await driver.finish();

    const corrected = slis.run.trends.get('http_req_duration')!;
    const uncorrected = slis.run.trends.get('http_req_duration_uncorrected')!;
    expect(corrected.count).toBe(3);
    expect(corrected.minMs).toBeGreaterThanOrEqual(215);
    expect(uncorrected.maxMs).toBeLessThan(200);
    expect(slis.run.rates.get('http_req_failed')).toEqual({ bad: 3, total: 3 });
    expect(slis.phaseSets[0]!.set.rates.get('http_req_failed')).toEqual({ bad: 3, total: 3 });
    expect(driver.errorCount()).toBe(3);
    expect(series.toJSON(Date.now()).columns).toEqual(['tMs', 'responses', 'failed', 'latency_p50', 'latency_p95', 'latency_p99']);
  });
});
