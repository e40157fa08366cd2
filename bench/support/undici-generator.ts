/**
 * Generator child: drill's ArrivalScheduler with an undici Pool instead of drill's own HTTP client,
 * the alternative the http driver was measured against. Latency is corrected (from the intended start).
 */
import { Pool } from 'undici';
import { constantArrivalSchedule } from '../../src/load/arrival-schedule.ts';
import { ArrivalScheduler, type Arrival } from '../../src/load/arrival-scheduler.ts';
import { LatencyHistogram } from '../../src/load/latency-histogram.ts';
import { serveGenerator } from './generator-protocol.ts';

serveGenerator(async (job, started) => {
  const pool = new Pool(job.url, { connections: job.connections, pipelining: 1 });
  let latency = new LatencyHistogram();
  let failed = 0;
  const fire = async (arrival: Arrival) => {
    try {
      const response = await pool.request({ path: '/', method: 'GET' });
      await response.body.dump();
      if (response.statusCode !== 200) failed++;
      latency.recordMs(performance.now() - arrival.intendedAtMs);
    } catch {
      failed++;
    }
  };
  const scheduler = (durationMs: number) =>
    new ArrivalScheduler(constantArrivalSchedule(job.rate, 1_000, durationMs), {
      maxVUs: Math.max(1_000, job.rate * 2),
      gracefulStopMs: 10_000,
    });
  await scheduler(job.warmupMs).start(fire).finished();
  latency = new LatencyHistogram();
  failed = 0;
  const cpuBefore = process.cpuUsage();
  started();
  const report = await scheduler(job.durationMs).start(fire).finished();
  const cpu = process.cpuUsage(cpuBefore);
  await pool.close();
  return {
    responses: latency.count,
    failed,
    dropped: report.dropped,
    cpuMs: (cpu.user + cpu.system) / 1_000,
    elapsedMs: report.endedAtMs - report.startedAtMs,
    p50Ms: latency.percentileMs(50),
    p99Ms: latency.percentileMs(99),
    maxMs: latency.maxMs,
    lagP99Ms: report.lag.percentileMs(99),
  };
});
