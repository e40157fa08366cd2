/**
 * The harness's own memory and CPU over a long run: the Signal stack (bridge and one bot as fixture processes)
 * under a steady open-model load, run in this process as `drill run` would, with the RSS and V8 heap of this
 * process sampled at a fixed interval. Per-message state is bounded, so once the run is warm memory should be
 * flat: the table shows each sample, the summary the growth from the first warm minute to the last.
 *
 * `npm run bench -- long-run [--duration 10m] [--rate 200] [--sample-every 10s]`. Every run prints its figures;
 * a run of 10 minutes or more also writes them into BENCHMARKS.md.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseDuration } from '../src/common/duration.ts';
import type { ProgressSnapshot, Reporter } from '../src/report/reporter.ts';
import { runScenario } from '../src/run/scenario-run.ts';
import { loadScenarioFile } from '../src/scenario/scenario-loader.ts';
import type { BenchFlags } from './index.ts';
import { writeBenchmarkSection } from './support/benchmarks-file.ts';
import { machine } from './support/load-report.ts';
import { memoryTable, summarizeMemory, type MemorySample } from './support/memory-curve.ts';

const FULL_DURATION_MS = 10 * 60_000;
/**
 * Samples before this much load time are the warm-up: JIT, connection pools, and the answered messages kept for
 * duplicate detection (two minutes of them) filling up.
 */
const WARMUP_MS = 150_000;

/** A full collection before each sample, so the live heap is measured rather than where the last GC left it. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

interface LongRunOptions {
  durationMs: number;
  rate: number;
  sampleEveryMs: number;
}

function fail(message: string): never {
  console.error(`long-run: ${message}`);
  process.exit(2);
}

function optionsFrom(flags: BenchFlags): LongRunOptions {
  const duration = (flags['duration'] as string | undefined) ?? '10m';
  const durationMs = parseDuration(duration);
  if (durationMs === undefined || durationMs < 10_000 || durationMs > 24 * 3_600_000) fail(`--duration must be 10s to 24h, got ${duration}`);
  const rate = flags['rate'] === undefined ? 200 : Number(flags['rate']);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 2_000) fail(`--rate must be 1 to 2000 messages per second, got ${String(flags['rate'])}`);
  const every = (flags['sample-every'] as string | undefined) ?? '10s';
  const sampleEveryMs = parseDuration(every);
  if (sampleEveryMs === undefined || sampleEveryMs < 1_000 || sampleEveryMs > durationMs) fail(`--sample-every must be 1s to the duration, got ${every}`);
  return { durationMs, rate, sampleEveryMs };
}

/** The scenario: one bot with room for the rate (64 workers at about 150 ms per send is over 400 replies/s). */
function scenarioText({ durationMs, rate }: LongRunOptions): string {
  return `name: long-run
release: 1.4.0
seed: 11
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot, env: { WORKER_POOL_SIZE: 64, QUEUE_SIZE: 5000, RATE_LIMIT: ${Math.ceil(rate * 5)} } }
links:
  - { from: bot, to: bridge }
load: { executor: constant-arrival-rate, rate: ${rate}, timeUnit: 1s, duration: ${durationMs}ms, maxVUs: ${Math.ceil(rate * 30)}, gracefulStop: 15s }
workload:
  type: signal
  bridge: bridge
  bots: [bot]
  users: 500
  messages: [{ text: "!ping", weight: 95 }, { text: "hello there", weight: 5, expectReply: false }]
  duplicateShare: 0.01
  replyTimeout: 10s
report: { dir: reports, interval: 1s }
`;
}

/** Samples this process from the load's start; the first sample is taken at once. */
function startSampler(everyMs: number, progress: () => ProgressSnapshot | undefined): { samples: MemorySample[]; stop: () => void } {
  const samples: MemorySample[] = [];
  const startedAtMs = performance.now();
  let cpuBefore = process.cpuUsage();
  let lastAtMs = startedAtMs;
  const gc = exposeGc();
  const take = () => {
    const nowMs = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const heapUsedBytes = process.memoryUsage().heapUsed;
    gc();
    cpuBefore = process.cpuUsage();
    const memory = process.memoryUsage();
    const snapshot = progress();
    samples.push({
      tMs: nowMs - startedAtMs,
      rssBytes: memory.rss,
      heapUsedBytes,
      liveHeapBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external + memory.arrayBuffers,
      cpuShare: nowMs > lastAtMs ? (cpu.user + cpu.system) / 1_000 / (nowMs - lastAtMs) : 0,
      achievedRate: snapshot?.achievedRate ?? 0,
      p99Ms: snapshot?.p99Ms ?? null,
    });
    const last = samples.at(-1)!;
    console.log(`  ${(last.tMs / 1_000).toFixed(0)} s: RSS ${(last.rssBytes / 1_048_576).toFixed(1)} MB, live heap ${(last.liveHeapBytes / 1_048_576).toFixed(1)} MB`);
    lastAtMs = performance.now();
  };
  take();
  const timer = setInterval(take, everyMs);
  // No sample at the stop: by then the run has drained and torn down its stack, which is not the steady state.
  return { samples, stop: () => clearInterval(timer) };
}

export async function run(flags: BenchFlags = {}): Promise<void> {
  const options = optionsFrom(flags);
  const where = machine();
  console.log(`long-run: ${options.rate} messages/s for ${options.durationMs / 1_000} s, sampling every ${options.sampleEveryMs / 1_000} s; ${where}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-long-run-'));
  const file = path.join(dir, 'long-run.yaml');
  writeFileSync(file, scenarioText(options));
  let latest: ProgressSnapshot | undefined;
  let sampler: ReturnType<typeof startSampler> | undefined;
  const reporter: Reporter = {
    onProgress: (snapshot) => (latest = snapshot),
    onEvent: (event) => {
      if (event.source === 'load' && event.type === 'start') sampler = startSampler(options.sampleEveryMs, () => latest);
    },
  };
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  try {
    const outcome = await runScenario(await loadScenarioFile(file), { cwd: dir, reporters: [reporter], signal: interrupt.signal, stateDir: path.join(dir, 'state') });
    sampler?.stop();
    const samples = sampler?.samples ?? [];
    const { report } = outcome;
    const sli = (name: string) => report.slis[name];
    const latency = sli('reply_latency');
    const missing = sli('replies_missing');
    const health = `verdict ${report.verdict}, ${report.load.arrivals} arrivals, ${report.load.dropped} dropped, reply_latency p99 ${latency?.percentiles?.['p99']?.toFixed(1) ?? '—'} ms, replies_missing ${missing?.rate ?? '—'}`;
    const table = memoryTable(samples);
    const summary = summarizeMemory(samples, WARMUP_MS);
    console.log(`\n${table}\n\n${summary}\nRun: ${health}.`);
    if (options.durationMs < FULL_DURATION_MS) return console.log('Shorter than 10 minutes: BENCHMARKS.md left as it is.');
    await writeBenchmarkSection('Long run: harness memory', [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${where}, with \`npm run bench -- long-run\`: the Signal stack (bridge and one bot as local processes) at ${options.rate} messages/s for ${options.durationMs / 60_000} minutes, driven from the bench process as \`drill run\` drives it, whose RSS and V8 heap were sampled every ${options.sampleEveryMs / 1_000} s from the load's start: heap used as found, then the live heap and RSS right after a full collection (CPU is this process's user + system time over each interval, the collection left out, as a share of one core). Run: ${health}.`,
      '',
      summary,
      '',
      table,
    ]);
  } finally {
    process.off('SIGINT', onSignal);
    rmSync(dir, { recursive: true, force: true });
  }
}
