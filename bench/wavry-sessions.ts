/**
 * How many concurrent Wavry viewer sessions one machine sustains with p99 input-to-present under 50 ms on
 * loopback, and what a session costs the driver. The stack (master, two relays, gateway, two hosts) runs as
 * fixture processes; the WavryDriver runs in this process. Concurrency steps up (direct sessions, 60 inputs/s
 * and 2 pings/s each) until a step misses the bar; each step ramps its sessions in, waits for them to settle,
 * then measures a steady window in which every session is connected: p50/p99 input-to-present, echoes per
 * second, loss, and the driver's CPU (process.cpuUsage) per session. One relayed step follows for comparison.
 * Prints the figures (BENCHMARKS.md is left to the maintainers).
 */
import os from 'node:os';
import { LatencyHistogram } from '../src/load/latency-histogram.ts';
import { WavryDriver } from '../src/load/wavry/wavry-driver.ts';
import { wavryWorkload } from '../src/scenario/workload-schema.ts';
import { PhasedSlis } from '../src/sli/phased-slis.ts';
import { SeriesRecorder } from '../src/sli/series-recorder.ts';
import type { SliSet } from '../src/sli/sli-set.ts';
import { startWavryStack, type WavryStack } from '../test/helpers/wavry-peers.ts';

const DIRECT_STEPS = [10, 25, 50, 100, 200, 300, 400, 600, 800];
const RELAYED_STEP = 20;
const INPUT_RATE = 60;
const P99_BAR_MS = 50;
/** New sessions per second while a step ramps up (each one signs up: a scrypt hash on the gateway). */
const RAMP_PER_SECOND = 25;
const SETTLE_MS = 3_000;
const WINDOW_MS = 8_000;

interface StepResult {
  route: 'direct' | 'relay';
  sessions: number;
  connected: number;
  echoesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  lossPct: number;
  cpuMsPerSessionSecond: number;
  cpuCorePct: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runStep(stack: WavryStack, sessions: number, relayShare: number, firstIndex: number): Promise<StepResult> {
  const rampMs = Math.max(1_000, (sessions / RAMP_PER_SECOND) * 1_000);
  const spec = wavryWorkload.parse({
    type: 'wavry',
    gateway: 'gateway',
    master: 'master',
    hosts: ['host'],
    relayShare,
    inputRate: INPUT_RATE,
    sessionDuration: rampMs + SETTLE_MS + WINDOW_MS + 2_000,
    controlPlaneRelays: 0,
  });
  const slis = new PhasedSlis(() => new LatencyHistogram(), Date.now());
  const driver = new WavryDriver(spec, stack.targets(), 1_000 + sessions, {});
  await driver.prepare({ slis, series: new SeriesRecorder(1_000, Date.now(), 'latency') });
  slis.startPhase('ramp');
  const fired: Promise<void>[] = [];
  for (let i = 0; i < sessions; i++) {
    fired.push(driver.fire({ index: firstIndex + i, intendedAtMs: Date.now() }).catch(() => undefined));
    await sleep(rampMs / sessions);
  }
  await sleep(SETTLE_MS);
  slis.startPhase('steady');
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await sleep(WINDOW_MS);
  const cpu = process.cpuUsage(cpuBefore);
  const windowS = (performance.now() - startedAt) / 1_000;
  slis.startPhase('drain');
  await Promise.all(fired);
  await driver.finish();
  await driver[Symbol.asyncDispose]();
  const steady = slis.phaseSets.find((p) => p.name === 'steady')!.set;
  const route = relayShare >= 1 ? 'relay' : 'direct';
  return summarize(steady, slis.run, route, sessions, windowS, (cpu.user + cpu.system) / 1_000);
}

function summarize(steady: SliSet, run: SliSet, route: 'direct' | 'relay', sessions: number, windowS: number, cpuMs: number): StepResult {
  const latency = steady.trends.get('input_to_present');
  const loss = run.rates.get(`loss_${route}`) ?? { bad: 0, total: 0 };
  return {
    route,
    sessions,
    connected: run.rates.get('session_setup_success')?.bad ?? 0,
    echoesPerSecond: (latency?.count ?? 0) / windowS,
    p50Ms: latency?.count ? latency.percentileMs(50) : NaN,
    p99Ms: latency?.count ? latency.percentileMs(99) : NaN,
    lossPct: loss.total ? (100 * loss.bad) / loss.total : 0,
    cpuMsPerSessionSecond: cpuMs / (sessions * windowS),
    cpuCorePct: (100 * cpuMs) / (windowS * 1_000),
  };
}

function table(rows: StepResult[]): string {
  const header = [
    'path',
    'sessions',
    'connected',
    'presented/s',
    'p50 ms',
    'p99 ms',
    'loss %',
    'driver CPU ms per session-s',
    'driver CPU % of a core',
  ];
  const lines = rows.map((r) => [
    r.route,
    String(r.sessions),
    String(r.connected),
    r.echoesPerSecond.toFixed(0),
    r.p50Ms.toFixed(2),
    r.p99Ms.toFixed(2),
    r.lossPct.toFixed(2),
    r.cpuMsPerSessionSecond.toFixed(2),
    r.cpuCorePct.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n');
}

export async function run(): Promise<void> {
  console.log(
    `${os.cpus().length} cores, Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await using stack = await startWavryStack({ relays: 2, hosts: [{ username: 'host-a' }, { username: 'host-b' }] });
  const rows: StepResult[] = [];
  let index = 0;
  for (const sessions of DIRECT_STEPS) {
    const row = await runStep(stack, sessions, 0, index);
    index += sessions;
    rows.push(row);
    console.log(table([row]).split('\n').at(-1));
    if (!(row.p99Ms < P99_BAR_MS) || row.connected < sessions || row.lossPct >= 1) break;
  }
  rows.push(await runStep(stack, RELAYED_STEP, 1, index));
  console.log(`\n${table(rows)}\n`);
  const passing = rows.filter((r) => r.route === 'direct' && r.p99Ms < P99_BAR_MS && r.connected === r.sessions && r.lossPct < 1);
  const [first, sustained] = [passing[0], passing.at(-1)];
  if (!first || !sustained) return console.log(`No step held p99 input-to-present under ${P99_BAR_MS} ms.`);
  // The smallest step's CPU is mostly fixed cost (timers, libdatachannel's threads after the WebRTC probe of
  // each host); the slope between the smallest and largest passing steps is what one more session costs.
  const marginal =
    sustained === first
      ? sustained.cpuMsPerSessionSecond
      : ((sustained.cpuCorePct - first.cpuCorePct) * 10) / (sustained.sessions - first.sessions);
  console.log(
    `Sustained: ${sustained.sessions} concurrent direct sessions, ${sustained.echoesPerSecond.toFixed(0)} input events presented per second, ` +
      `p99 ${sustained.p99Ms.toFixed(1)} ms (bar ${P99_BAR_MS} ms). Driver CPU: ${sustained.cpuCorePct.toFixed(0)} % of a core there; ` +
      `each further session costs ${marginal.toFixed(2)} ms CPU per second (${((marginal * 1_000) / (INPUT_RATE + 2)).toFixed(1)} µs per input or ping and its echo).`,
  );
}
