/**
 * Generator child: autocannon at a fixed overall rate (its `overallRate`), or as fast as its connections go
 * (`saturate`, to measure the target's limit); programmatic, no progress output.
 */
import autocannon from 'autocannon';
import { serveGenerator } from './generator-protocol.ts';

serveGenerator(async (job, started) => {
  const options = { url: job.url, connections: job.connections, timeout: 10, ...(job.saturate ? {} : { overallRate: job.rate }) };
  await autocannon({ ...options, duration: job.warmupMs / 1_000 });
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  started();
  const result = await autocannon({ ...options, duration: job.durationMs / 1_000 });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    responses: result.requests.total,
    failed: result.errors + result.timeouts + result.non2xx,
    dropped: 0,
    cpuMs: (cpu.user + cpu.system) / 1_000,
    elapsedMs: performance.now() - startedAt,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
});
