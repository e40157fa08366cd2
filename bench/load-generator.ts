/**
 * drill's load generator against autocannon, side by side in one run, each in its own child process
 * against the same trivial target (another child process) on 127.0.0.1:
 *  - the target's limit: a short autocannon run with every connection sending back to back;
 *  - CPU seconds per 1,000 requests of each generator process at fixed rates (and at 80 % of the limit),
 *    and their ratio;
 *  - achieved rate against the target rate;
 *  - the p99 each reports when the target stalls for one second mid-run.
 * Also drill with the former fixed 4 ms timer slack (the default before it became 12 ms), and drill's scheduler
 * over an undici Pool, the client the http driver was measured against. The generators take turns at each rate,
 * `--rounds N` times (default 2), so each ratio is of measurements minutes apart at most on a shared machine.
 * Prints a table and writes the figures into BENCHMARKS.md. With DRILL_BENCH_SHORT=1 every step is short
 * (a quick look on a shared machine) and BENCHMARKS.md is left alone.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchFlags } from './index.ts';
import { writeBenchmarkSection } from './support/benchmarks-file.ts';
import type { GeneratorJob, GeneratorMessage, GeneratorResult } from './support/generator-protocol.ts';
import type { RequestSpread, TargetCommand, TargetMessage } from './support/http-target.ts';
import {
  cpuPer1k,
  cpuRatio,
  FORMER_SLACK_MS,
  machine,
  rateTable,
  readingTheFigures,
  stallTable,
  type GeneratorName,
  type Row,
  type TargetLimit,
} from './support/load-report.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SHORT = process.env['DRILL_BENCH_SHORT'] === '1';
const RATES = [1_000, 5_000, 10_000, 20_000];
const UNDICI_RATES = [5_000, 20_000];
const CONNECTIONS = 10;
/** Every step is bounded: these durations, each generator's guard, and the schedule's own end. */
const TIMES = SHORT
  ? { durationMs: 1_500, warmupMs: 500, saturationMs: 1_000, stall: { rate: 5_000, durationMs: 3_000, atMs: 1_000, stallMs: 1_000 } }
  : { durationMs: 5_000, warmupMs: 1_000, saturationMs: 3_000, stall: { rate: 5_000, durationMs: 6_000, atMs: 2_500, stallMs: 1_000 } };
const STEP_SHARE_OF_LIMIT = 0.8;
const SATURATION_RUNS = 2;

const GENERATOR_FILES: Record<GeneratorName, string> = {
  drill: 'support/drill-generator.ts',
  'drill, 4 ms slack': 'support/drill-generator.ts',
  autocannon: 'support/autocannon-generator.ts',
  'drill+undici': 'support/undici-generator.ts',
};

interface Target {
  child: ChildProcess;
  url: string;
  send(command: TargetCommand): void;
  /** Asks how requests arrived since the last mark. */
  spread(): Promise<RequestSpread>;
}

/** With `--cpu-prof DIR`, drill's generator children write V8 CPU profiles there (see support/cpu-profile-summary.ts). */
let cpuProfileDir: string | undefined;

function spawnChild(file: string): ChildProcess {
  const profile = cpuProfileDir && file === GENERATOR_FILES.drill ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
  return fork(path.join(here, file), [], { execArgv: ['--import', 'tsx', ...profile], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function startTarget(): Promise<Target> {
  const child = spawnChild('support/http-target.ts');
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`target exited with ${code} before listening`)));
    child.on('message', (message: TargetMessage) => message.type === 'listening' && resolve(message.port));
  });
  const send = (command: TargetCommand) => child.send(command);
  const spread = () =>
    new Promise<RequestSpread>((resolve) => {
      const onMessage = (message: TargetMessage) => {
        if (message.type !== 'spread') return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      send({ type: 'spread' });
    });
  return { child, url: `http://127.0.0.1:${port}/`, send, spread };
}

/** Runs one generator against the target, counting at the target from the start of the measured run. */
async function measure(target: Target, generator: GeneratorName, job: GeneratorJob, round = 0, onStarted?: () => void): Promise<Row> {
  const result = await runGenerator(generator, job, () => {
    target.send({ type: 'mark' });
    onStarted?.();
  });
  return { generator, round, job, result, spread: await target.spread() };
}

/** Runs one generator child to completion; `onStarted` fires when its measured run begins. */
function runGenerator(generator: GeneratorName, job: GeneratorJob, onStarted?: () => void): Promise<GeneratorResult> {
  const child = spawnChild(GENERATOR_FILES[generator]);
  if (generator === 'drill, 4 ms slack') job = { ...job, timerSlackMs: FORMER_SLACK_MS };
  return new Promise<GeneratorResult>((resolve, reject) => {
    const guard = setTimeout(
      () => {
        child.kill('SIGKILL');
        reject(new Error(`${generator} at ${job.rate}/s did not finish in time`));
      },
      job.warmupMs + job.durationMs + 60_000,
    );
    child.on('message', (message: GeneratorMessage) => {
      if (message.type === 'started') onStarted?.();
      else if (message.type === 'result') resolve(message.result);
      else reject(new Error(`${generator} failed: ${message.error}`));
    });
    child.once('exit', (code) => {
      clearTimeout(guard);
      reject(new Error(`${generator} exited with ${code} before reporting`));
    });
    child.send(job);
  });
}

/** CPU time of one idle timer wake-up (sleep 1 ms, wake, repeat) in this process, µs: what every extra wake costs here. */
async function timerWakeCostUs(wakes = 1_000): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < wakes; i++) await new Promise((resolve) => setTimeout(resolve, 1));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / wakes;
}

/** The target's limit with autocannon's connections sending back to back, and the fixed rate at 80 % of it. */
async function targetLimit(target: Target): Promise<TargetLimit> {
  const job: GeneratorJob = {
    url: target.url,
    rate: 0,
    saturate: true,
    durationMs: TIMES.saturationMs,
    warmupMs: TIMES.warmupMs,
    connections: CONNECTIONS,
  };
  // The best of a few short runs: a stall of the shared machine during one would understate the limit.
  let ratePerSec = 0;
  for (let i = 0; i < SATURATION_RUNS; i++) {
    const result = await runGenerator('autocannon', job);
    ratePerSec = Math.max(ratePerSec, result.responses / (result.elapsedMs / 1_000));
  }
  return { ratePerSec, stepRate: Math.floor((ratePerSec * STEP_SHARE_OF_LIMIT) / 100) * 100 };
}

interface Figures {
  limit: TargetLimit;
  rates: number[];
  rateRows: Row[];
  stallRows: Row[];
}

function jobAt(target: Target, rate: number, durationMs = TIMES.durationMs): GeneratorJob {
  return { url: target.url, rate, durationMs, warmupMs: TIMES.warmupMs, connections: CONNECTIONS };
}

const TURNS = ['drill', 'drill, 4 ms slack', 'autocannon'] as const;

/** drill (default and former slack) and autocannon taking turns at each fixed rate, `rounds` times; then drill over undici. */
async function measureRates(target: Target, rates: number[], rounds: number): Promise<Row[]> {
  const rows: Row[] = [];
  const steps = [
    ...rates.flatMap((rate) => Array.from({ length: rounds }, (_, round) => TURNS.map((generator) => ({ generator, rate, round }))).flat()),
    ...UNDICI_RATES.map((rate) => ({ generator: 'drill+undici' as const, rate, round: 0 })),
  ];
  for (const { generator, rate, round } of steps) {
    rows.push(await measure(target, generator, jobAt(target, rate), round));
    console.log(`  ${generator} at ${rate}/s, round ${round + 1}: ${cpuPer1k(rows.at(-1)!.result).toFixed(3)} CPU s per 1k requests`);
  }
  return rows.sort((a, b) => a.job.rate - b.job.rate);
}

/** Each generator through a stall of the target. */
async function measureStalls(target: Target): Promise<Row[]> {
  const { stall } = TIMES;
  const rows: Row[] = [];
  for (const generator of ['drill', 'autocannon'] as const) {
    let stallTimer: NodeJS.Timeout | undefined;
    const startStall = () => (stallTimer = setTimeout(() => target.send({ type: 'stall', stallMs: stall.stallMs }), stall.atMs));
    const row = await measure(target, generator, jobAt(target, stall.rate, stall.durationMs), 0, startStall).finally(() =>
      clearTimeout(stallTimer),
    );
    rows.push(row);
    console.log(`  ${generator} with a ${stall.stallMs} ms stall: p99 ${row.result.p99Ms.toFixed(1)} ms`);
  }
  return rows;
}

async function measureAll(target: Target, rounds: number): Promise<Figures> {
  const limit = await targetLimit(target);
  console.log(`  target's limit: ${limit.ratePerSec.toFixed(0)} req/s; fixed-rate step at 80 %: ${limit.stepRate} req/s`);
  const rates = [...new Set([...RATES, limit.stepRate])].filter((rate) => rate > 0).sort((a, b) => a - b);
  const rateRows = await measureRates(target, rates, rounds);
  return { limit, rates, rateRows, stallRows: await measureStalls(target) };
}

function roundsFlag(flags: BenchFlags): number {
  const rounds = flags['rounds'] === undefined ? 2 : Number(flags['rounds']);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) {
    console.error(`--rounds must be a whole number from 1 to 10, got ${String(flags['rounds'])}`);
    process.exit(2);
  }
  return rounds;
}

export async function run(flags: BenchFlags = {}): Promise<void> {
  const rounds = roundsFlag(flags);
  cpuProfileDir = flags['cpu-prof'] === undefined ? undefined : path.resolve(String(flags['cpu-prof']));
  const startedAt = new Date();
  const where = machine();
  console.log(`load-generator${SHORT ? ' (short)' : ''}: ${where}`);
  const wakeUs = await timerWakeCostUs();
  console.log(`  one idle timer wake-up costs ${wakeUs.toFixed(0)} µs of CPU here`);
  const target = await startTarget();
  let figures: Figures;
  try {
    figures = await measureAll(target, rounds);
  } finally {
    target.child.kill('SIGKILL');
  }
  const { limit, rates, rateRows, stallRows } = figures;
  const rateFigures = rateTable(rateRows, limit);
  const stalls = stallTable(stallRows);
  const { stall } = TIMES;
  console.log(
    `\n${rateFigures}\n\nTarget stalled ${stall.stallMs} ms at ${stall.atMs} ms into a ${stall.durationMs} ms run at ${stall.rate}/s:\n\n${stalls}\n`,
  );
  for (const generator of ['drill', 'drill, 4 ms slack'] as const) {
    console.log(
      `CPU per request, ${generator} ÷ autocannon: ${rates.map((rate) => `${cpuRatio(rateRows, rate, generator)?.toFixed(2) ?? '—'} at ${rate}/s`).join(', ')}`,
    );
  }
  if (SHORT) {
    console.log('Short run: BENCHMARKS.md left as it is.');
    return;
  }
  await writeBenchmarkSection('Load generator vs autocannon', [
    `Measured ${startedAt.toISOString().slice(0, 10)} on ${where}, with \`npm run bench -- load-generator --rounds ${rounds}\`.`,
    method(rounds),
    '',
    rateFigures,
    '',
    readingTheFigures({ rows: rateRows, rates, limit, wakeUs, connections: CONNECTIONS }),
    '',
    `The target blocked its event loop for ${stall.stallMs} ms, ${stall.atMs} ms into a ${stall.durationMs / 1_000} s run at ${stall.rate} req/s:`,
    '',
    stalls,
  ]);
}

function method(rounds: number): string {
  return [
    `Each generator and the target (a trivial Node HTTP server answering \`ok\`) ran in its own process on 127.0.0.1, one after the other in one run, ${CONNECTIONS} keep-alive connections.`,
    `At each rate drill, drill with the former fixed ${FORMER_SLACK_MS} ms timer slack and autocannon took turns, ${rounds} rounds; each row is the round with the median CPU per request, \`by round\` lists every round, and each ratio is the median of the rounds' ratios (drill and autocannon of the same round, measured seconds apart).`,
    `First the target's limit: the best of ${SATURATION_RUNS} runs of autocannon with every connection sending back to back, ${TIMES.saturationMs / 1_000} s each after a ${TIMES.warmupMs / 1_000} s warm-up; the fixed rates are ${RATES.join(', ')} req/s and 80 % of that limit (rounded down to 100 req/s), ${TIMES.durationMs / 1_000} s each after a ${TIMES.warmupMs / 1_000} s warm-up at the same rate.`,
    'CPU is user + system time of the generator process during the measured run (`process.cpuUsage`), per 1,000 responses.',
    "drill's p50/p99 are corrected (from each arrival's intended start, or from the send when it went out early); autocannon's are its own figures (whole milliseconds) with its default coordinated-omission adjustment.",
    "`drill+undici` is drill's scheduler driving an undici `Pool`, the client the http driver was measured against.",
    'The machine is shared with other work (see the load average above): CPU figures move by several percent between runs, latencies and schedule lag much more.',
  ].join(' ');
}
