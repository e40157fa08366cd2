/**
 * The benchmark's target: a trivial HTTP server on 127.0.0.1 in its own process. Over IPC it
 * reports its port, stalls on request (blocks its event loop for `stallMs`, as a GC pause or a
 * stopped process would), and counts requests per 10 ms from a mark, to show how evenly a
 * generator spreads its requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type TargetCommand = { type: 'stall'; stallMs: number } | { type: 'mark' } | { type: 'spread' };
export type TargetMessage =
  { type: 'listening'; port: number } | { type: 'stalled'; stallMs: number } | ({ type: 'spread' } & RequestSpread);

/** How requests arrived since the last mark. */
export interface RequestSpread {
  requests: number;
  /** Most requests in one 10 ms window, as requests per second. */
  peakRatePerSec: number;
}

const BUCKET_MS = 10;
const buckets = new Uint32Array(120_000 / BUCKET_MS);
let markedAtMs = Number.POSITIVE_INFINITY;

const send = (message: TargetMessage) => process.send?.(message);

const server = http.createServer((_req, res) => {
  const bucket = Math.floor((performance.now() - markedAtMs) / BUCKET_MS);
  if (bucket >= 0 && bucket < buckets.length) buckets[bucket]!++;
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
  } else if (command.type === 'mark') {
    buckets.fill(0);
    markedAtMs = performance.now();
  } else {
    let requests = 0;
    let peak = 0;
    for (const count of buckets) {
      requests += count;
      peak = Math.max(peak, count);
    }
    send({ type: 'spread', requests, peakRatePerSec: (peak * 1_000) / BUCKET_MS });
  }
});
// The parent going away ends the target too.
process.on('disconnect', () => process.exit(0));
