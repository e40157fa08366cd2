/**
 * The benchmark's target: a trivial HTTP server on 127.0.0.1 in its own process. Over IPC it
 * reports its port, stalls on request (blocks its event loop for `stallMs`, as a GC pause or a
 * stopped process would), and reports its CPU time.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type TargetCommand = { type: 'stall'; stallMs: number } | { type: 'cpu' };
export type TargetMessage = { type: 'listening'; port: number } | { type: 'cpu'; cpuMs: number } | { type: 'stalled'; stallMs: number };

const send = (message: TargetMessage) => process.send?.(message);

const server = http.createServer((_req, res) => {
  res.setHeader('Content-Type', 'text/plain');
  res.end('ok');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => send({ type: 'listening', port: (server.address() as AddressInfo).port }));

process.on('message', (command: TargetCommand) => {
  if (command.type === 'stall') {
    const until = performance.now() + command.stallMs;
    while (performance.now() < until) {
      // Busy: nothing is read or answered until the stall ends.
    }
    send({ type: 'stalled', stallMs: command.stallMs });
  } else {
    const usage = process.cpuUsage();
    send({ type: 'cpu', cpuMs: (usage.user + usage.system) / 1_000 });
  }
});
// The parent going away ends the target too.
process.on('disconnect', () => process.exit(0));
