/** The load-generator bench's figures as tables and prose, for the console and BENCHMARKS.md. */
import os from 'node:os';
import { DEFAULT_TIMER_SLACK_MS } from '../../src/load/arrival-run.ts';
import type { GeneratorJob, GeneratorResult } from './generator-protocol.ts';
import type { RequestSpread } from './http-target.ts';

export type GeneratorName = 'drill' | 'autocannon' | 'drill+undici';

export interface Row {
  generator: GeneratorName;
  job: GeneratorJob;
  result: GeneratorResult;
  /** As the target saw the measured run. */
  spread: RequestSpread;
}

/** The target's limit: what autocannon reached with every connection sending back to back. */
export interface TargetLimit {
  ratePerSec: number;
  /** The fixed rate stepped at: 80 % of the limit, rounded down to 100 req/s. */
  stepRate: number;
}

export const cpuPer1k = (r: GeneratorResult) => (r.cpuMs / 1_000 / Math.max(1, r.responses)) * 1_000;
export const achievedRate = (r: GeneratorResult) => r.responses / (r.elapsedMs / 1_000);
const fixed = (value: number | undefined, digits: number) => (value === undefined ? '—' : value.toFixed(digits));

export function formatTable(header: string[], rows: string[][]): string {
  const lines = [header, header.map((h) => '-'.repeat(Math.max(3, h.length))), ...rows];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** drill's CPU per request ÷ autocannon's at the same rate, when both ran. */
export function cpuRatio(rows: Row[], rate: number, generator: GeneratorName = 'drill'): number | undefined {
  const find = (name: GeneratorName) => rows.find((r) => r.job.rate === rate && r.generator === name);
  const mine = find(generator);
  const reference = find('autocannon');
  return mine && reference ? cpuPer1k(mine.result) / cpuPer1k(reference.result) : undefined;
}

export function rateTable(rows: Row[], limit: TargetLimit): string {
  return formatTable(
    [
      'generator',
      'target req/s',
      'of the limit',
      'achieved req/s',
      'of target',
      'peak req/s over 10 ms at target',
      'CPU s / 1k req',
      'drill ÷ autocannon',
      'p50 ms',
      'p99 ms',
      'schedule lag p99 ms',
      'failed',
      'dropped',
    ],
    rows.map(({ generator, job, result, spread }) => [
      generator,
      String(job.rate),
      `${((job.rate / limit.ratePerSec) * 100).toFixed(0)} %`,
      achievedRate(result).toFixed(0),
      `${((achievedRate(result) / job.rate) * 100).toFixed(1)} %`,
      spread.peakRatePerSec.toFixed(0),
      cpuPer1k(result).toFixed(3),
      generator === 'autocannon' ? '—' : fixed(cpuRatio(rows, job.rate, generator), 2),
      result.p50Ms.toFixed(2),
      result.p99Ms.toFixed(2),
      fixed(result.lagP99Ms, 2),
      String(result.failed),
      String(result.dropped),
    ]),
  );
}

export function stallTable(rows: Row[]): string {
  return formatTable(
    ['generator', 'responses', 'p50 ms', 'p99 ms', 'max ms', 'uncorrected p99 ms', 'dropped'],
    rows.map(({ generator, result }) => [
      generator,
      String(result.responses),
      result.p50Ms.toFixed(2),
      result.p99Ms.toFixed(1),
      result.maxMs.toFixed(1),
      fixed(result.uncorrectedP99Ms, 1),
      String(result.dropped),
    ]),
  );
}

export function machine(): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, load average at start ${load}`;
}

export interface Reading {
  rows: Row[];
  rates: number[];
  limit: TargetLimit;
  /** CPU of one idle timer wake-up here, µs. */
  wakeUs: number;
  connections: number;
}

/** The prose under the rate table: the CPU ratio at each rate, the rate goal up to 80 % of the limit, and why. */
export function readingTheFigures({ rows, rates, limit, wakeUs, connections }: Reading): string {
  const drillAt = (rate: number) => rows.find((r) => r.generator === 'drill' && r.job.rate === rate);
  const ratios = rates.map((rate) => ({ rate, ratio: cpuRatio(rows, rate) }));
  const over = ratios.filter((r) => r.ratio !== undefined && r.ratio > 1);
  const inGoal = rates.filter((rate) => rate <= limit.stepRate);
  const missed = inGoal.filter((rate) => {
    const row = drillAt(rate);
    return !row || Math.abs(achievedRate(row.result) / rate - 1) > 0.01;
  });
  const reached = Math.max(...rows.map((r) => achievedRate(r.result)));
  const understated =
    reached > limit.ratePerSec * 1.02
      ? ` The generators reached up to ${reached.toFixed(0)} req/s at fixed rates, above that limit: the shared machine was busier while it was measured, so the 80 % step sits lower than it should.`
      : '';
  const lowest = rates[0]!;
  const peak = (generator: GeneratorName) =>
    rows.find((r) => r.generator === generator && r.job.rate === lowest)?.spread.peakRatePerSec ?? 0;
  return [
    `CPU per request, drill ÷ autocannon: ${ratios.map(({ rate, ratio }) => `${fixed(ratio, 2)} at ${rate}/s`).join(', ')}.`,
    over.length === 0
      ? "drill uses at most autocannon's CPU per request at every rate measured."
      : `drill uses more CPU per request than autocannon at ${over.map((r) => `${r.rate}/s`).join(', ')}.`,
    `The target's limit was ${limit.ratePerSec.toFixed(0)} req/s (autocannon, ${connections} connections sending back to back).`,
    missed.length === 0
      ? `drill's achieved rate was within 1 % of the target at every rate up to 80 % of the limit (${limit.stepRate} req/s).${understated}`
      : `drill's achieved rate was more than 1 % off the target at ${missed.join(', ')} req/s, at or below 80 % of the limit (${limit.stepRate} req/s).${understated}`,
    `The CPU per request is mostly wake-ups: one idle timer wake-up costs ${wakeUs.toFixed(0)} µs of CPU on this machine, about what a request costs. drill sends each request near its own intended time and starts the arrivals due within the next ${DEFAULT_TIMER_SLACK_MS} ms in the same wake-up (such a request goes out up to ${DEFAULT_TIMER_SLACK_MS} ms early and is timed from its send), so at 1,000 req/s it wakes about ${Math.round(1_000 / DEFAULT_TIMER_SLACK_MS)} times a second for its timer, plus once per response or group of responses. autocannon's \`overallRate\` is a per-connection quota per second: each connection sends back to back until its quota is used, then waits for the next second, so it wakes less but its load comes in bursts, as the target saw: at ${lowest} req/s its busiest 10 ms ran at ${peak('autocannon').toFixed(0)} req/s, drill's at ${peak('drill').toFixed(0)} req/s.`,
    `Near the limit, ${connections} connections with one request in flight each run close to their capacity (${connections} ÷ round trip), so a short stall of either process (the machine is shared) queues requests in drill's pool; that shows in drill's corrected p50/p99 and in its achieved rate (responses ÷ time to the last response, the queue's drain included), while autocannon times from the send and sends less while its connections are busy.`,
  ].join(' ');
}
