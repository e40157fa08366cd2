/**
 * One simulated viewer, start to end: set the session up (session-setup.ts), then run its media traffic
 * (media-session.ts) for `sessionDuration`, recording every step. Resolves when the session is over; a stop
 * (the run ends) cuts it short without counting a failure or a drop. Everything it opened is closed on return.
 */
import type { MediaSessionOptions } from './media-session.ts';
import { runMediaSession } from './media-session.ts';
import type { SessionRecorder } from './session-recorder.ts';
import { setUpSession, type SessionPlan, type SessionResources, type SetupDeps } from './session-setup.ts';
import { SetupFailure } from './setup-failure.ts';

/** Extra bytes on each input event, as a small input message would carry; bytes. */
const INPUT_PADDING_BYTES = 64;
/** After the last send, how long late echoes still count, ms. */
const ECHO_GRACE_MS = 1_000;
/** A path silent this long (at least four ping intervals) is lost, ms. */
const MIN_SILENCE_LIMIT_MS = 3_000;

export interface ClientSessionDeps extends Omit<SetupDeps, 'events'> {
  recorder: SessionRecorder;
}

export async function runClientSession(plan: SessionPlan, deps: ClientSessionDeps, signal: AbortSignal): Promise<void> {
  const { recorder, spec, clock } = deps;
  const held: SessionResources = {};
  const startedAtMs = recorder.started();
  try {
    const path = (held.path = await setUpSession(plan, { ...deps, events: recorder }, held, signal));
    recorder.connected(path, startedAtMs);
    const options: MediaSessionOptions = {
      inputRate: spec.inputRate,
      pingIntervalMs: spec.pingInterval,
      durationMs: spec.sessionDuration,
      silenceLimitMs: Math.max(MIN_SILENCE_LIMIT_MS, 4 * spec.pingInterval),
      echoGraceMs: ECHO_GRACE_MS,
      inputPaddingBytes: INPUT_PADDING_BYTES,
      clock,
      signal,
    };
    const result = await runMediaSession(path, options, {
      presented: (ms) => recorder.presented(path.route, ms),
      pong: (ms) => recorder.pong(path.route, ms),
    });
    recorder.ended(path.route, result);
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof SetupFailure) return recorder.failed(error.reason, error.message, startedAtMs);
    throw error;
  } finally {
    held.path?.close();
    held.signaling?.close();
    held.udp?.close();
  }
}
