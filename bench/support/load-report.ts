/** The load-generator bench's figures as tables and prose, for the console and BENCHMARKS.md. */
import os from 'node:os';
import { DEFAULT_TIMER_SLACK_MS } from '../../src/load/arrival-run.ts';
import type { GeneratorJob, GeneratorResult } from './generator-protocol.ts';
import type { RequestSpread } from './http-target.ts';

export type GeneratorName = 'drill' | 'drill, 4 ms slack' | 'autocannon' | 'drill+undici';
/** The fixed slack of `drill, 4 ms slack`: the default before the slack adapted to the rate, ms. */
export const FORMER_SLACK_MS = 4;

export interface Row {
  generator: GeneratorName;
  /** Round of the measurement, 0-based: generators take turns at each rate, once a round. */
  round: number;
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

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * drill's CPU per request ÷ autocannon's at the same rate: the median over the rounds of each round's ratio
 * (measured minutes apart at most, so a busier machine weighs on both), when both ran.
 */
export function cpuRatio(rows: Row[], rate: number, generator: GeneratorName = 'drill'): number | undefined {
  const ratios = roundRatios(rows, rate, generator);
  return ratios.length > 0 ? median(ratios) : undefined;
}

/** Each round's drill ÷ autocannon CPU per request at `rate`. */
export function roundRatios(rows: Row[], rate: number, generator: GeneratorName = 'drill'): number[] {
  const at = (name: GeneratorName, round: number) => rows.find((r) => r.job.rate === rate && r.generator === name && r.round === round);
  return rows
    .filter((r) => r.job.rate === rate && r.generator === generator)
    .flatMap((mine) => {
      const reference = at('autocannon', mine.round);
      return reference ? [cpuPer1k(mine.result) / cpuPer1k(reference.result)] : [];
    });
}

/** One row per generator and rate: the round with the median CPU per request. */
export function medianRows(rows: Row[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = `${row.job.rate} ${row.generator}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.values()].map((group) => {
    const sorted = [...group].sort((a, b) => cpuPer1k(a.result) - cpuPer1k(b.result));
    return sorted[(sorted.length - 1) >> 1]!;
  });
}

/** The rate table: the median round of each generator and rate, with every round's CPU and ratio. */
export function rateTable(allRows: Row[], limit: TargetLimit): string {
  const rows = medianRows(allRows);
  const byRound = (row: Row) =>
    allRows
      .filter((r) => r.job.rate === row.job.rate && r.generator === row.generator)
      .map((r) => cpuPer1k(r.result).toFixed(3))
      .join(', ');
  const ratiosByRound = (row: Row) =>
    row.generator === 'autocannon' ? '—' : roundRatios(allRows, row.job.rate, row.generator).map((r) => r.toFixed(2)).join(', ');
  return formatTable(
    [
      'generator',
      'target req/s',
      'of the limit',
      'achieved req/s',
      'of target',
      'peak req/s over 10 ms at target',
      'CPU s / 1k req',
      'by round',
      'drill ÷ autocannon',
      'by round',
      'p50 ms',
      'p99 ms',
      'schedule lag p99 ms',
      'failed',
      'dropped',
    ],
    rows.map((row) => [
      row.generator,
      String(row.job.rate),
      `${((row.job.rate / limit.ratePerSec) * 100).toFixed(0)} %`,
      achievedRate(row.result).toFixed(0),
      `${((achievedRate(row.result) / row.job.rate) * 100).toFixed(1)} %`,
      row.spread.peakRatePerSec.toFixed(0),
      cpuPer1k(row.result).toFixed(3),
      byRound(row),
      row.generator === 'autocannon' ? '—' : fixed(cpuRatio(allRows, row.job.rate, row.generator), 2),
      ratiosByRound(row),
      row.result.p50Ms.toFixed(2),
      row.result.p99Ms.toFixed(2),
      fixed(row.result.lagP99Ms, 2),
      String(row.result.failed),
      String(row.result.dropped),
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
export function readingTheFigures({ rows: allRows, rates, limit, wakeUs, connections }: Reading): string {
  const rows = medianRows(allRows);
  const drillAt = (rate: number) => rows.find((r) => r.generator === 'drill' && r.job.rate === rate);
  const ratios = rates.map((rate) => ({ rate, ratio: cpuRatio(allRows, rate) }));
  const former = rates.map((rate) => ({ rate, ratio: cpuRatio(allRows, rate, 'drill, 4 ms slack') }));
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
    `With the former fixed ${FORMER_SLACK_MS} ms timer slack (\`drill, ${FORMER_SLACK_MS} ms slack\`, measured in the same rounds): ${former.map(({ rate, ratio }) => `${fixed(ratio, 2)} at ${rate}/s`).join(', ')}.`,
    `The CPU per request is mostly wake-ups: one idle timer wake-up costs ${wakeUs.toFixed(0)} µs of CPU on this machine, about what a request costs. drill sends each request near its own intended time and starts the arrivals due within the timer slack in the same wake-up (such a request goes out early and is timed from its send). The slack is ${DEFAULT_TIMER_SLACK_MS} ms, so at 1,000 req/s it wakes about ${Math.round(1_000 / (DEFAULT_TIMER_SLACK_MS + 1))} times a second for its timer (${Math.round(1_000 / (FORMER_SLACK_MS + 1))} with the former ${FORMER_SLACK_MS} ms), plus once per response or group of responses; responses to arrivals started together share wake-ups more often, the larger the group. autocannon's \`overallRate\` is a per-connection quota per second: each connection sends back to back until its quota is used, then waits for the next second, so it wakes less but its load comes in bursts, as the target saw: at ${lowest} req/s its busiest 10 ms ran at ${peak('autocannon').toFixed(0)} req/s, drill's at ${peak('drill').toFixed(0)} req/s (${peak('drill, 4 ms slack').toFixed(0)} with the former slack).`,
    `Near the limit, ${connections} connections with one request in flight each run close to their capacity (${connections} ÷ round trip), so a short stall of either process (the machine is shared) queues requests in drill's pool; that shows in drill's corrected p50/p99 and in its achieved rate (responses ÷ time to the last response, the queue's drain included), while autocannon times from the send and sends less while its connections are busy.`,
  ].join(' ');
}
