/**
 * The embedded fault server's cost and precision, against a direct loopback socket:
 *  - bulk throughput through a proxy with no toxics ÷ direct (goal ≥ 0.8), the proxy in a process of its own (as
 *    `drill toxiproxy` runs), next to a bare `pipe()` relay and, when `socat` is installed, a native relay, each in
 *    its own process too, with the CPU each process spent per GB;
 *  - added latency p50/p99 per small request through a proxy with no toxics (goal < 0.2 ms at p99);
 *  - accuracy of `latency 100` (goal: measured mean added latency within ±2 ms);
 *  - accuracy of `bandwidth 2000` (KB/s) over 4 MB;
 *  - UDP `loss` 5% over 20,000 datagrams (goal: within ±0.5 points).
 * The upstream (sink and echo servers) runs in a child process, as a real service would. Prints the figures.
 * This file is also the child: DRILL_PROXY_BENCH_CHILD selects the role.
 * CPU figures read /proc/<pid>/stat (Linux); elsewhere they are left out.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { EmbeddedToxiproxy } from '../src/faults/embedded-toxiproxy.ts';
import { ToxiproxyControl } from '../src/faults/toxiproxy-control.ts';

const BULK_BYTES = 256 * 1024 * 1024;
const BULK_ROUNDS = 5;
const PING_COUNT = 5_000;
const PING_BLOCKS = 10;
const PING_WARMUP = 500;
const BANDWIDTH_KBPS = 2_000;
const BANDWIDTH_BYTES = 4_000_000;
const LATENCY_SAMPLES = 40;
const UDP_DATAGRAMS = 20_000;

type ChildMessage = { sinkPort: number; echoPort: number; udpPort: number } | { apiUrl: string } | { relayPort: number };
type ChildRole = 'upstream' | 'proxy' | 'relay';

// ---- child roles -------------------------------------------------------------------------------------------

function listenTcp(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

/** Sink (counts bytes, answers "done" at the end), echo, and a UDP counter that answers with its count. */
async function upstreamChild(): Promise<void> {
  const sink = net.createServer((socket) => {
    socket.on('data', () => undefined);
    socket.on('end', () => socket.end('done'));
  });
  const echo = net.createServer({ noDelay: true }, (socket) => socket.pipe(socket));
  const udp = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 22 });
  let received = 0;
  udp.on('message', (message, from) => {
    if (message.length === 1) udp.send(String(received), from.port, from.address);
    else received++;
  });
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  process.send!({ sinkPort: await listenTcp(sink), echoPort: await listenTcp(echo), udpPort: udp.address().port } satisfies ChildMessage);
}

async function proxyChild(): Promise<void> {
  const server = await new EmbeddedToxiproxy({ seed: 1 }).start();
  process.send!({ apiUrl: server.url } satisfies ChildMessage);
  process.once('disconnect', () => void server.stop());
}

/** A relay with nothing but pipes: the floor for any proxy written on Node sockets. */
async function relayChild(): Promise<void> {
  const upstreamPort = Number(process.env['DRILL_PROXY_BENCH_UPSTREAM']);
  const server = net.createServer({ noDelay: true }, (client) => {
    const upstream = net.connect({ port: upstreamPort, host: '127.0.0.1', noDelay: true });
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  process.send!({ relayPort: await listenTcp(server) } satisfies ChildMessage);
}

// ---- measurement helpers -------------------------------------------------------------------------------------

function startChild(role: ChildRole, upstreamPort = 0): Promise<{ child: ChildProcess; message: ChildMessage }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DRILL_PROXY_BENCH_CHILD: role, DRILL_PROXY_BENCH_UPSTREAM: String(upstreamPort) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${role} child exited with ${code}`)));
    child.once('message', (message) => resolve({ child, message: message as ChildMessage }));
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends `bytes` and waits for the sink's answer; MB/s (10^6 bytes). */
async function bulkMBps(port: number, bytes = BULK_BYTES): Promise<number> {
  const socket = await connect(port);
  const chunk = Buffer.alloc(64 * 1024, 7);
  const started = performance.now();
  const done = new Promise<void>((resolve) => socket.on('data', () => undefined).once('close', () => resolve()));
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    const piece = sent + chunk.length > bytes ? chunk.subarray(0, bytes - sent) : chunk;
    if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve));
  }
  socket.end();
  await done;
  return bytes / ((performance.now() - started) / 1_000) / 1e6;
}

/** Round-trip times of 64-byte requests on one connection, ms. */
async function pingRtts(port: number, count: number): Promise<number[]> {
  const socket = await connect(port);
  const payload = Buffer.alloc(64, 1);
  const rtts: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    socket.write(payload);
    let got = 0;
    await new Promise<void>((resolve) => {
      const onData = (data: Buffer) => {
        got += data.length;
        if (got < payload.length) return;
        socket.off('data', onData);
        resolve();
      };
      socket.on('data', onData);
    });
    rtts.push(performance.now() - started);
  }
  socket.destroy();
  return rtts;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const median = (values: number[]) => percentile(values, 50);

// ---- the benchmark ---------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  console.log(`proxy: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)}, node ${process.version}`);
  const upstream = await startChild('upstream');
  const ports = upstream.message as { sinkPort: number; echoPort: number; udpPort: number };
  const outOfProcess = await startChild('proxy');
  await using server = await new EmbeddedToxiproxy({ seed: 1 }).start();
  const control = new ToxiproxyControl(server.url);
  const remote = new ToxiproxyControl((outOfProcess.message as { apiUrl: string }).apiUrl);
  const relay = await startChild('relay', ports.sinkPort);
  try {
    const listenPort = (proxy: { listen: string }) => Number(proxy.listen.split(':')[1]);
    const [sinkProxy, echoProxy, udpProxy] = await control.populate([
      { name: 'bulk', upstream: `127.0.0.1:${ports.sinkPort}` },
      { name: 'echo', upstream: `127.0.0.1:${ports.echoPort}` },
      { name: 'udp', upstream: `127.0.0.1:${ports.udpPort}`, protocol: 'udp' },
    ]);
    const [remoteSink] = await remote.populate([{ name: 'bulk', upstream: `127.0.0.1:${ports.sinkPort}` }]);

    await bulkThroughput(ports.sinkPort, upstream.child.pid!, [
      { label: 'proxy, no toxics', port: listenPort(remoteSink!), pid: outOfProcess.child.pid! },
      { label: 'bare pipe() relay', port: (relay.message as { relayPort: number }).relayPort, pid: relay.child.pid! },
      ...(hasSocat() ? [{ label: 'socat (native relay)', socat: true as const }] : []),
    ]);

    // Added latency per small request, direct and proxied blocks interleaved.
    const directRtt: number[] = [];
    const proxyRtt: number[] = [];
    await pingRtts(ports.echoPort, PING_WARMUP);
    await pingRtts(listenPort(echoProxy!), PING_WARMUP);
    for (let block = 0; block < PING_BLOCKS; block++) {
      directRtt.push(...(await pingRtts(ports.echoPort, PING_COUNT / PING_BLOCKS)));
      proxyRtt.push(...(await pingRtts(listenPort(echoProxy!), PING_COUNT / PING_BLOCKS)));
    }
    const row = (label: string, values: number[]) =>
      console.log(`    ${label.padEnd(8)} p50 ${percentile(values, 50).toFixed(3)} ms  p99 ${percentile(values, 99).toFixed(3)} ms`);
    console.log(`  64-byte request/response, ${PING_COUNT} sequential each:`);
    row('direct', directRtt);
    row('proxy', proxyRtt);
    console.log(
      `    added    p50 ${(percentile(proxyRtt, 50) - percentile(directRtt, 50)).toFixed(3)} ms  p99 ${(percentile(proxyRtt, 99) - percentile(directRtt, 99)).toFixed(3)} ms`,
    );

    // latency 100: added latency against the same proxy without the toxic.
    const before = await pingRtts(listenPort(echoProxy!), LATENCY_SAMPLES);
    await control.addToxic('echo', { type: 'latency', attributes: { latency: 100, jitter: 0 } });
    const during = await pingRtts(listenPort(echoProxy!), LATENCY_SAMPLES);
    await control.removeToxic('echo', 'latency_downstream');
    const added = during.map((ms) => ms - mean(before));
    console.log(
      `  latency 100 ms, ${LATENCY_SAMPLES} requests: added mean ${mean(added).toFixed(2)} ms (error ${(mean(added) - 100).toFixed(2)} ms), ` +
        `median ${median(added).toFixed(2)}, min ${Math.min(...added).toFixed(2)}, max ${Math.max(...added).toFixed(2)}`,
    );

    // bandwidth 2000 KB/s on the upstream stream: 4 MB should take 2 s.
    await control.addToxic('bulk', { type: 'bandwidth', stream: 'upstream', attributes: { rate: BANDWIDTH_KBPS } });
    const limited = await bulkMBps(listenPort(sinkProxy!), BANDWIDTH_BYTES);
    await control.removeToxic('bulk', 'bandwidth_upstream');
    console.log(
      `  bandwidth ${BANDWIDTH_KBPS} KB/s, ${BANDWIDTH_BYTES / 1e6} MB: measured ${(limited * 1_000).toFixed(0)} KB/s (${((limited * 1_000) / BANDWIDTH_KBPS).toFixed(3)} of the rate)`,
    );

    await udpLoss(listenPort(udpProxy!), ports.udpPort, control);
  } finally {
    relay.child.kill();
    upstream.child.kill();
    outOfProcess.child.kill();
  }
}

// ---- bulk throughput -------------------------------------------------------------------------------------------

/** A relay between the sender and the sink, in a process of its own; `socat` legs start a fresh socat per round. */
type RelayLeg = { label: string; port: number; pid: number } | { label: string; socat: true };

/** User + system CPU time of a process so far, ms; undefined where /proc is not there. */
function cpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in ticks of 10 ms (USER_HZ 100)
  } catch {
    return undefined;
  }
}

function hasSocat(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * One socat serving one connection to the sink (no fork, so its CPU is its own), moving 64 KiB per read as Node
 * does (socat's default is 8 KiB, which would cost the receiver more reads); resolves once it listens.
 */
async function startSocat(sinkPort: number): Promise<{ port: number; pid: number; stop: () => void }> {
  const probe = net.createServer();
  const port = await listenTcp(probe);
  await new Promise((resolve) => probe.close(resolve));
  const args = ['-b', '65536', `TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,nodelay`, `TCP:127.0.0.1:${sinkPort},nodelay`];
  const child = spawn('socat', args, { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300)); // socat has no "listening" signal; probing would take its one connection
  return { port, pid: child.pid!, stop: () => child.kill() };
}

/** One transfer with the CPU seconds per GB each process spent on it (sender, receiver, relay). */
async function measuredBulk(port: number, pids: number[]): Promise<{ mbps: number; cpuSPerGB: (number | undefined)[] }> {
  const before = pids.map(cpuMs);
  const mbps = await bulkMBps(port);
  const cpuSPerGB = pids.map((pid, i) => {
    const after = cpuMs(pid);
    return after === undefined || before[i] === undefined ? undefined : (after - before[i]) / 1_000 / (BULK_BYTES / 1e9);
  });
  return { mbps, cpuSPerGB };
}

/**
 * Direct vs each relay, rounds interleaved so background load hits every leg alike; the ratio is taken per round
 * (relay ÷ the direct transfer just before it), then the median.
 */
async function bulkThroughput(sinkPort: number, sinkPid: number, legs: RelayLeg[]): Promise<void> {
  const ends = [process.pid, sinkPid];
  const results = new Map<string, { mbps: number[]; ratio: number[]; cpu: (number | undefined)[][] }>();
  const record = (label: string, mbps: number, cpu: (number | undefined)[], direct: number) => {
    const entry = results.get(label) ?? { mbps: [], ratio: [], cpu: [] };
    entry.mbps.push(mbps);
    entry.ratio.push(mbps / direct);
    entry.cpu.push(cpu);
    results.set(label, entry);
  };
  for (let round = 0; round < BULK_ROUNDS; round++) {
    const direct = await measuredBulk(sinkPort, ends);
    record('direct', direct.mbps, direct.cpuSPerGB, direct.mbps);
    for (const leg of legs) {
      const relay = 'socat' in leg ? await startSocat(sinkPort) : { ...leg, stop: () => undefined };
      const through = await measuredBulk(relay.port, [...ends, relay.pid]);
      relay.stop();
      record(leg.label, through.mbps, through.cpuSPerGB, direct.mbps);
    }
  }
  const cpuText = (cpu: (number | undefined)[][], i: number) => {
    const values = cpu.map((c) => c[i]).filter((v): v is number => v !== undefined);
    return values.length === 0 ? '   —' : median(values).toFixed(2).padStart(5);
  };
  console.log(`  bulk ${BULK_BYTES / 2 ** 20} MiB, median of ${BULK_ROUNDS}; CPU s/GB of sender · receiver · relay:`);
  for (const [label, { mbps, ratio, cpu }] of results) {
    console.log(
      `    ${label.padEnd(22)} ${median(mbps).toFixed(0).padStart(5)} MB/s  ratio ${median(ratio).toFixed(2)} ` +
        `(${ratio.map((r) => r.toFixed(2)).join(' ')})  CPU ${[0, 1, 2].map((i) => cpuText(cpu, i)).join(' · ')}`,
    );
  }
}

// ---- UDP loss --------------------------------------------------------------------------------------------------

/** Sends UDP_DATAGRAMS through a 5% loss toxic and compares with what the upstream counted. */
async function udpLoss(proxyPort: number, upstreamPort: number, control: ToxiproxyControl): Promise<void> {
  await control.addToxic('udp', { type: 'loss', stream: 'upstream', attributes: { probability: 0.05, correlation: 0 } });
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const payload = Buffer.alloc(64, 3);
  for (let i = 0; i < UDP_DATAGRAMS; i++) {
    socket.send(payload, proxyPort, '127.0.0.1');
    if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await new Promise((resolve) => setTimeout(resolve, 300));
  const counted = await new Promise<number>((resolve) => {
    socket.once('message', (message) => resolve(Number(message.toString())));
    socket.send(Buffer.alloc(1), upstreamPort, '127.0.0.1');
  });
  socket.close();
  const metrics = await (await fetch(`${control.url}/metrics`)).text();
  const atProxy = Number(/^drill_proxy_received_datagrams_total\{direction="upstream",proxy="udp",[^}]*\} (\d+)$/m.exec(metrics)?.[1]);
  const loss = (1 - counted / atProxy) * 100;
  console.log(
    `  UDP loss 5%, ${UDP_DATAGRAMS} datagrams: ${atProxy} reached the proxy, ${counted} the upstream: loss ${loss.toFixed(2)}% (error ${(loss - 5).toFixed(2)} points)`,
  );
}

const role = process.env['DRILL_PROXY_BENCH_CHILD'];
if (role === 'upstream') void upstreamChild();
else if (role === 'proxy') void proxyChild();
else if (role === 'relay') void relayChild();
else if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
