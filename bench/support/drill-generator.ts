/** Generator child: drill's ArrivalScheduler and HttpDriver at a fixed rate (default timer slack unless the job sets one). */
import { constantArrivalSchedule } from '../../src/load/arrival-schedule.ts';
import { ArrivalScheduler } from '../../src/load/arrival-scheduler.ts';
import { HttpDriver } from '../../src/load/http-driver.ts';
import { serveGenerator } from './generator-protocol.ts';

function scheduler(rate: number, durationMs: number, timerSlackMs: number | undefined): ArrivalScheduler {
  return new ArrivalScheduler(constantArrivalSchedule(rate, 1_000, durationMs), {
    // Room for every arrival of a two-second stall: none should be dropped at these rates.
    maxVUs: Math.max(1_000, rate * 2),
    gracefulStopMs: 10_000,
    ...(timerSlackMs === undefined ? {} : { timerSlackMs }),
  });
}

serveGenerator(async (job, started) => {
  const options = { url: job.url, connections: job.connections, timeoutMs: 10_000 };
  {
    await using warmup = await HttpDriver.connect(options);
    await scheduler(job.rate, job.warmupMs, job.timerSlackMs).start(warmup.fire).finished();
  }
  await using driver = await HttpDriver.connect(options);
  const cpuBefore = process.cpuUsage();
  started();
  const report = await scheduler(job.rate, job.durationMs, job.timerSlackMs).start(driver.fire).finished();
  const cpu = process.cpuUsage(cpuBefore);
  const results = driver.results();
  const { corrected, uncorrected } = results.latency;
  return {
    responses: results.latency.count,
    failed: results.failed,
    dropped: report.dropped,
    cpuMs: (cpu.user + cpu.system) / 1_000,
    elapsedMs: report.endedAtMs - report.startedAtMs,
    p50Ms: corrected.percentileMs(50),
    p99Ms: corrected.percentileMs(99),
    maxMs: corrected.maxMs,
    uncorrectedP99Ms: uncorrected.percentileMs(99),
    lagP99Ms: report.lag.percentileMs(99),
  };
});
