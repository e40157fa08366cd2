import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../common/clock.ts';
import { decodeMedia, encodeMedia, SequenceCounter } from './media-frames.ts';
import type { MediaPath } from './media-path.ts';
import { runMediaSession, type MediaSessionOptions } from './media-session.ts';

/** A host on the other end of an in-memory path: echoes after `delayMs` on the manual clock, except what `lose` picks. */
function echoingPath(
  clock: ManualClock,
  delayMs: (n: number) => number,
  lose: (n: number) => boolean = () => false,
): MediaPath & { received: number } {
  let listener: (media: Buffer) => void = () => undefined;
  let n = 0;
  const path = {
    route: 'direct' as const,
    transport: 'udp' as const,
    sequence: new SequenceCounter(),
    received: 0,
    send(media: Buffer) {
      path.received++;
      const packet = decodeMedia(media)!;
      const index = n++;
      if (lose(index)) return;
      void clock
        .sleep(delayMs(index))
        .then(() => listener(encodeMedia(packet.sequence, packet.kind === 'Input' ? 'Frame' : 'Pong', packet.sentAtMs)));
    },
    onMedia(l: (media: Buffer) => void) {
      listener = l;
    },
    close() {},
  };
  return path;
}

const options = (clock: ManualClock, signal = new AbortController().signal): MediaSessionOptions => ({
  inputRate: 50,
  pingIntervalMs: 500,
  durationMs: 2_000,
  silenceLimitMs: 3_000,
  echoGraceMs: 500,
  inputPaddingBytes: 0,
  clock,
  signal,
});

async function drive(clock: ManualClock, untilMs: number, result: Promise<unknown>): Promise<void> {
  let settled = false;
  void result.then(() => (settled = true));
  for (let t = 0; t < untilMs && !settled; t++) {
    clock.advance(1);
    await Promise.resolve();
    await Promise.resolve();
  }
}

describe('media session', () => {
  it('sends inputs and pings on schedule and measures latency, round trips, loss and jitter', async () => {
    const clock = new ManualClock();
    const path = echoingPath(
      clock,
      (n) => (n % 2 === 0 ? 4 : 8),
      (n) => n % 10 === 9,
    );
    const latencies: number[] = [];
    const rtts: number[] = [];
    const session = runMediaSession(path, options(clock), { presented: (ms) => latencies.push(ms), pong: (ms) => rtts.push(ms) });
    await drive(clock, 5_000, session);
    const result = await session;
    // 2 s at 50/s = 100 inputs, plus pings at 0, 500, 1000, 1500 ms.
    expect(path.received).toBe(104);
    expect(result).toMatchObject({ sent: 104, lost: 10, dropped: false, stopped: false });
    expect(latencies.length + rtts.length).toBe(94);
    expect(Math.min(...latencies)).toBe(4);
    expect(Math.max(...latencies)).toBe(8);
    expect(result.jitterMs).toBeGreaterThan(1);
    expect(result.jitterMs).toBeLessThan(4);
  });

  it('ends early as dropped when the path goes silent', async () => {
    const clock = new ManualClock();
    const path = echoingPath(
      clock,
      () => 2,
      (n) => n >= 20,
    );
    const session = runMediaSession(
      path,
      { ...options(clock), durationMs: 10_000, silenceLimitMs: 1_000 },
      { presented: () => {}, pong: () => {} },
    );
    await drive(clock, 20_000, session);
    const result = await session;
    expect(result.dropped).toBe(true);
    expect(clock.nowMs()).toBeLessThan(2_000);
    expect(result.lost).toBe(result.sent - 20);
  });

  it('on a stop, leaves out what could still be in flight', async () => {
    const clock = new ManualClock();
    const path = echoingPath(clock, () => 300);
    const abort = new AbortController();
    const session = runMediaSession(path, options(clock, abort.signal), { presented: () => {}, pong: () => {} });
    await drive(clock, 1_000, new Promise(() => {}));
    abort.abort();
    const result = await session;
    expect(result).toMatchObject({ stopped: true, dropped: false, lost: 0 });
    expect(result.sent).toBeLessThan(path.received);
  });
});
