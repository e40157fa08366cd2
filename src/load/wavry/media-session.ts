/**
 * A connected session's traffic on its path: input events on an open-loop schedule (`inputRate` a second, each
 * with an intended send time, so a late sender shows up as latency), a ping every `pingIntervalMs`, for
 * `durationMs`. Each echo gives input-to-present latency (echo arrival − intended send time) or a round trip;
 * all echoes feed the RFC 3550 jitter estimate. No echo at all for `silenceLimitMs` means the path was lost:
 * the session ends early as dropped. After the last send it waits up to `echoGraceMs` for late echoes.
 */
import type { Clock } from '../../common/clock.ts';
import { wakeAfter } from '../wake-after.ts';
import { JitterEstimator } from './jitter-estimator.ts';
import { decodeMedia, encodeMedia } from './media-frames.ts';
import type { MediaPath } from './media-path.ts';

export interface MediaSessionOptions {
  /** Input events per second. */
  inputRate: number;
  pingIntervalMs: number;
  durationMs: number;
  /** A path that echoes nothing for this long is lost, ms. */
  silenceLimitMs: number;
  /** How long to wait for echoes after the last send, ms. */
  echoGraceMs: number;
  /** Extra bytes per input event, bytes. */
  inputPaddingBytes: number;
  clock: Clock;
  /** Aborted when the run stops: the session ends at once (not as a drop). */
  signal: AbortSignal;
}

export interface MediaSessionObserver {
  /** An input event's frame came back, `latencyMs` after the input's intended send time. */
  presented(latencyMs: number): void;
  /** A ping's pong came back after `rttMs`. */
  pong(rttMs: number): void;
}

export interface MediaSessionResult {
  /** Inputs and pings whose fate is known (sent early enough before a stop to have been echoed). */
  sent: number;
  /** Of those, the ones with no echo. */
  lost: number;
  /** Final RFC 3550 jitter estimate, ms; undefined with fewer than two echoes. */
  jitterMs: number | undefined;
  dropped: boolean;
  stopped: boolean;
}

interface Outstanding {
  kind: 'Input' | 'Ping';
  intendedAtMs: number;
  sentAtMs: number;
}

export function runMediaSession(
  path: MediaPath,
  options: MediaSessionOptions,
  observer: MediaSessionObserver,
): Promise<MediaSessionResult> {
  const { clock, signal } = options;
  const startMs = clock.nowMs();
  const endMs = startMs + options.durationMs;
  const inputPeriodMs = 1_000 / options.inputRate;
  const outstanding = new Map<number, Outstanding>();
  const jitter = new JitterEstimator();
  let inputs = 0;
  let pings = 0;
  let sent = 0;
  let lastEchoMs = startMs;
  let drainUntilMs: number | undefined;
  let cancelWake = () => {};

  return new Promise((resolve) => {
    let done = false;
    const finish = (how: { dropped?: boolean; stopped?: boolean }) => {
      if (done) return;
      done = true;
      cancelWake();
      signal.removeEventListener('abort', onAbort);
      path.onMedia(() => undefined);
      // On a stop, what went out within the grace period may still be on its way: neither lost nor counted.
      const unknownAfterMs = how.stopped ? clock.nowMs() - options.echoGraceMs : Infinity;
      let unknown = 0;
      for (const entry of outstanding.values()) if (entry.sentAtMs > unknownAfterMs) unknown++;
      resolve({
        sent: sent - unknown,
        lost: outstanding.size - unknown,
        jitterMs: jitter.jitterMs,
        dropped: how.dropped ?? false,
        stopped: how.stopped ?? false,
      });
    };
    const onAbort = () => finish({ stopped: true });

    const send = (kind: Outstanding['kind'], intendedAtMs: number) => {
      const sequence = path.sequence.next();
      const sentAtMs = clock.nowMs();
      outstanding.set(sequence, { kind, intendedAtMs, sentAtMs });
      sent++;
      path.send(encodeMedia(sequence, kind, sentAtMs, kind === 'Input' ? options.inputPaddingBytes : 0));
    };

    path.onMedia((bytes) => {
      const media = decodeMedia(bytes);
      const entry = media && outstanding.get(media.sequence);
      if (!media || !entry || media.kind !== (entry.kind === 'Input' ? 'Frame' : 'Pong')) return;
      outstanding.delete(media.sequence);
      const now = clock.nowMs();
      lastEchoMs = now;
      jitter.add(entry.sentAtMs, now);
      if (entry.kind === 'Input') observer.presented(now - entry.intendedAtMs);
      else observer.pong(now - entry.sentAtMs);
      if (drainUntilMs !== undefined && outstanding.size === 0) finish({});
    });

    const tick = () => {
      const now = clock.nowMs();
      if (drainUntilMs === undefined) {
        while (startMs + inputs * inputPeriodMs <= Math.min(now, endMs - 1e-9)) send('Input', startMs + inputs++ * inputPeriodMs);
        while (startMs + pings * options.pingIntervalMs <= Math.min(now, endMs - 1e-9))
          send('Ping', startMs + pings++ * options.pingIntervalMs);
        if (now - lastEchoMs > options.silenceLimitMs) return finish({ dropped: true });
        if (now >= endMs) {
          drainUntilMs = now + options.echoGraceMs;
          if (outstanding.size === 0) return finish({});
        }
      } else if (now >= drainUntilMs) return finish({});
      const nextMs =
        drainUntilMs ??
        Math.min(
          startMs + inputs * inputPeriodMs,
          startMs + pings * options.pingIntervalMs,
          endMs,
          lastEchoMs + options.silenceLimitMs + 1,
        );
      cancelWake = wakeAfter(clock, Math.max(0, nextMs - clock.nowMs()), tick);
    };

    if (signal.aborted) return finish({ stopped: true });
    signal.addEventListener('abort', onAbort, { once: true });
    tick();
  });
}
