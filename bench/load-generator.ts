/**
 * drill's load generator against autocannon, side by side in one run, each in its own child process
 * against the same trivial target (another child process) on 127.0.0.1:
 *  - CPU seconds per 1,000 requests of each generator process at fixed rates, and their ratio;
 *  - achieved rate against the target rate;
 *  - the p99 each reports when the target stalls for one second mid-run.
 * Also drill's scheduler over an undici Pool, the client the http driver was measured against.
 * Prints a table and writes the figures into BENCHMARKS.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GeneratorJob, GeneratorMessage, GeneratorResult } from './support/generator-protocol.ts';
import type { RequestSpread, TargetCommand, TargetMessage } from './support/http-target.ts';
import { writeBenchmarkSection } from './support/benchmarks-file.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const RATES = [1_000, 5_000, 10_000, 20_000];
const DURATION_MS = 5_000;
const WARMUP_MS = 1_000;
const CONNECTIONS = 10;
const UNDICI_RATES = [5_000, 20_000];
const STALL = { rate: 5_000, durationMs: 6_000, atMs: 2_500, stallMs: 1_000 };

type GeneratorName = 'drill' | 'autocannon' | 'drill+undici';
const GENERATOR_FILES: Record<GeneratorName, string> = {
  drill: 'support/drill-generator.ts',
  autocannon: 'support/autocannon-generator.ts',
  'drill+undici': 'support/undici-generator.ts',
};

interface Row {
  generator: GeneratorName;
  job: GeneratorJob;
  result: GeneratorResult;
  /** As the target saw the measured run. */
  spread: RequestSpread;
}

interface Target {
  child: ChildProcess;
  url: string;
  send(command: TargetCommand): void;
  /** Asks how requests arrived since the last mark. */
  spread(): Promise<RequestSpread>;
}

function spawnChild(file: string): ChildProcess {
  return fork(path.join(here, file), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
async function measure(target: Target, generator: GeneratorName, job: GeneratorJob, onStarted?: () => void): Promise<Row> {
  const result = await runGenerator(generator, job, () => {
    target.send({ type: 'mark' });
    onStarted?.();
  });
  return { generator, job, result, spread: await target.spread() };
}

/** Runs one generator child to completion; `onStarted` fires when its measured run begins. */
function runGenerator(generator: GeneratorName, job: GeneratorJob, onStarted?: () => void): Promise<GeneratorResult> {
  const child = spawnChild(GENERATOR_FILES[generator]);
  return new Promise<GeneratorResult>((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${generator} at ${job.rate}/s did not finish in time`));
    }, job.durationMs + 60_000);
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

const cpuPer1k = (r: GeneratorResult) => (r.cpuMs / 1_000 / Math.max(1, r.responses)) * 1_000;
const achievedRate = (r: GeneratorResult) => r.responses / (r.elapsedMs / 1_000);
const fixed = (value: number | undefined, digits: number) => (value === undefined ? '—' : value.toFixed(digits));

function formatTable(header: string[], rows: string[][]): string {
  const lines = [header, header.map((h) => '-'.repeat(Math.max(3, h.length))), ...rows];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function rateTable(rows: Row[]): string {
  const byRate = (rate: number, generator: GeneratorName) => rows.find((r) => r.job.rate === rate && r.generator === generator);
  return formatTable(
    [
      'generator',
      'target req/s',
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
    rows.map(({ generator, job, result, spread }) => {
      const reference = byRate(job.rate, 'autocannon');
      const ratio = generator !== 'autocannon' && reference ? cpuPer1k(result) / cpuPer1k(reference.result) : undefined;
      return [
        generator,
        String(job.rate),
        achievedRate(result).toFixed(0),
        `${((achievedRate(result) / job.rate) * 100).toFixed(1)} %`,
        spread.peakRatePerSec.toFixed(0),
        cpuPer1k(result).toFixed(3),
        fixed(ratio, 2),
        result.p50Ms.toFixed(2),
        result.p99Ms.toFixed(2),
        fixed(result.lagP99Ms, 2),
        String(result.failed),
        String(result.dropped),
      ];
    }),
  );
}

function stallTable(rows: Row[]): string {
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

/** CPU time of one idle timer wake-up (sleep 1 ms, wake, repeat) in this process, µs: what every extra wake costs here. */
async function timerWakeCostUs(wakes = 1_000): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < wakes; i++) await new Promise((resolve) => setTimeout(resolve, 1));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / wakes;
}

function machine(): string {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, load average at start ${load}`;
}

/** The prose under the rate table: where drill costs more CPU than autocannon, and why. */
function readingTheFigures(rows: Row[], ratios: number[], wakeUs: number): string {
  const peak = (generator: GeneratorName, rate: number) =>
    rows.find((r) => r.generator === generator && r.job.rate === rate)?.spread.peakRatePerSec ?? 0;
  const lowest = RATES[0]!;
  const parity = RATES.filter((_, i) => ratios[i]! <= 1.05);
  return [
    `CPU per request, drill ÷ autocannon: ${ratios.map((r, i) => `${r.toFixed(2)} at ${RATES[i]}/s`).join(', ')}.`,
    parity.length
      ? `drill is at parity or cheaper from ${Math.min(...parity)} req/s up.`
      : 'drill costs more CPU per request at every rate measured.',
    `Where it costs more, the difference is wake-ups: drill sends each request at its own intended time, so below about 1,000 req/s the process sleeps and wakes once per request for the timer and once more for the response, and up to about 1,000 times a second above that (the timer's 1 ms resolution); one idle wake-up costs ${wakeUs.toFixed(0)} µs of CPU on this machine.`,
    `autocannon's \`overallRate\` is a per-connection quota per second: each connection sends back to back until its quota is used, then waits for the next second, so it wakes less but its load comes in bursts, as the target saw: at ${lowest} req/s its busiest 10 ms ran at ${peak('autocannon', lowest).toFixed(0)} req/s, drill's at ${peak('drill', lowest).toFixed(0)} req/s.`,
    `At the highest rates, ${CONNECTIONS} connections with one request in flight each run close to their capacity (${CONNECTIONS} ÷ round trip), so a short stall of either process (the machine is shared) queues requests in drill's pool; that shows in drill's corrected p50/p99 and in its achieved rate (responses ÷ time to the last response, the queue's drain included), while autocannon times from the send and sends less while its connections are busy.`,
  ].join(' ');
}

export async function run(): Promise<void> {
  const startedAt = new Date();
  const where = machine();
  console.log(`load-generator: ${where}`);
  const wakeUs = await timerWakeCostUs();
  console.log(`  one idle timer wake-up costs ${wakeUs.toFixed(0)} µs of CPU here`);
  const target = await startTarget();
  const rateRows: Row[] = [];
  const stallRows: Row[] = [];
  const job = (rate: number, durationMs = DURATION_MS): GeneratorJob => ({
    url: target.url,
    rate,
    durationMs,
    warmupMs: WARMUP_MS,
    connections: CONNECTIONS,
  });
  try {
    for (const rate of RATES) {
      for (const generator of ['drill', 'autocannon'] as const) {
        rateRows.push(await measure(target, generator, job(rate)));
        console.log(`  ${generator} at ${rate}/s: ${cpuPer1k(rateRows.at(-1)!.result).toFixed(3)} CPU s per 1k requests`);
      }
    }
    for (const rate of UNDICI_RATES) {
      rateRows.push(await measure(target, 'drill+undici', job(rate)));
      console.log(`  drill+undici at ${rate}/s: ${cpuPer1k(rateRows.at(-1)!.result).toFixed(3)} CPU s per 1k requests`);
    }
    for (const generator of ['drill', 'autocannon'] as const) {
      let stallTimer: NodeJS.Timeout | undefined;
      const startStall = () => (stallTimer = setTimeout(() => target.send({ type: 'stall', stallMs: STALL.stallMs }), STALL.atMs));
      const row = await measure(target, generator, job(STALL.rate, STALL.durationMs), startStall).finally(() => clearTimeout(stallTimer));
      stallRows.push(row);
      console.log(`  ${generator} with a ${STALL.stallMs} ms stall: p99 ${row.result.p99Ms.toFixed(1)} ms`);
    }
  } finally {
    target.child.kill('SIGKILL');
  }

  rateRows.sort((a, b) => a.job.rate - b.job.rate);
  const rates = rateTable(rateRows);
  const stalls = stallTable(stallRows);
  console.log(
    `\n${rates}\n\nTarget stalled ${STALL.stallMs} ms at ${STALL.atMs} ms into a ${STALL.durationMs} ms run at ${STALL.rate}/s:\n\n${stalls}\n`,
  );
  const ratios = RATES.map((rate) => {
    const drill = rateRows.find((r) => r.job.rate === rate && r.generator === 'drill')!;
    const cannon = rateRows.find((r) => r.job.rate === rate && r.generator === 'autocannon')!;
    return cpuPer1k(drill.result) / cpuPer1k(cannon.result);
  });
  console.log(`CPU per request, drill ÷ autocannon: ${ratios.map((r) => r.toFixed(2)).join(', ')} at ${RATES.join(', ')} req/s`);

  await writeBenchmarkSection('Load generator vs autocannon', [
    `Measured ${startedAt.toISOString().slice(0, 10)} on ${where}, with \`npm run bench -- load-generator\`.`,
    `Each generator and the target (a trivial Node HTTP server answering \`ok\`) ran in its own process on 127.0.0.1, one after the other in one run, ${CONNECTIONS} keep-alive connections, ${DURATION_MS / 1_000} s per rate after a ${WARMUP_MS / 1_000} s warm-up at the same rate. CPU is user + system time of the generator process during the measured run (\`process.cpuUsage\`), per 1,000 responses. drill's p50/p99 are corrected (from each arrival's intended start); autocannon's are its own figures (whole milliseconds) with its default coordinated-omission adjustment. \`drill+undici\` is drill's scheduler driving an undici \`Pool\`, the client the http driver was measured against. The machine is shared with other work (see the load average above): CPU figures move by several percent between runs, latencies and schedule lag much more.`,
    '',
    rates,
    '',
    readingTheFigures(rateRows, ratios, wakeUs),
    '',
    `The target blocked its event loop for ${STALL.stallMs} ms, ${STALL.atMs} ms into a ${STALL.durationMs / 1_000} s run at ${STALL.rate} req/s:`,
    '',
    stalls,
  ]);
}
