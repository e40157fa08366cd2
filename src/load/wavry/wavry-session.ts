/**
 * One simulated viewer session, start to end: sign up, bind, offer to a host, then the direct path when the
 * host's answer carries its address (and this client is not "behind NAT"), otherwise — or when the direct path
 * does not answer — a relay: request credentials, present the lease, wait for the host on the relay. Once a
 * path answers, input events go out on an open-loop schedule and pings every `pingInterval`; each echo gives
 * input-to-present latency from the input's intended time, RTT, loss and jitter.
 */
import type { WavryWorkloadSpec } from '../../scenario/workload-schema.ts';
import type { LeaseRejectReason } from '../../wire/wavry.ts';
import { SetupFailure, SignalingClient, signUp } from './gateway-client.ts';
import { MediaPath, type PathKind } from './media-path.ts';
import { leaseClaims } from './relay-wire.ts';

export interface SessionSink {
  setupFailed(reason: SetupFailure['reason'], detail: string): void;
  leaseIssued(): void;
  leaseRejected(reason: LeaseRejectReason | string): void;
  connected(path: PathKind): void;
  echo(path: PathKind, kind: 'input' | 'ping', latencyMs: number): void;
  ended(path: PathKind, result: { sent: number; lost: number; jitterMs: number; dropped: boolean }): void;
}

export interface SessionPlan {
  spec: WavryWorkloadSpec;
  /** http://host:port of the gateway. */
  gatewayUrl: string;
  /** Username of the host to view. */
  host: string;
  username: string;
  localAddress: string;
  behindNat: boolean;
  sink: SessionSink;
  /** Aborted when the run stops early: the session ends at once. */
  stop: AbortSignal;
}

const INPUT_PADDING_BYTES = 64;
/** A connected path that echoes nothing for this long has dropped. */
const DROP_AFTER_SILENCE_MS = 3_000;
const ECHO_GRACE_MS = 500;

export async function runSession(plan: SessionPlan): Promise<void> {
  const { spec, sink } = plan;
  const wsUrl = `${plan.gatewayUrl.replace(/^http/, 'ws')}/ws`;
  let signaling: SignalingClient | undefined;
  let path: MediaPath | undefined;
  try {
    const token = await signUp(plan.gatewayUrl, plan.username, plan.localAddress, spec.setupTimeout);
    signaling = await SignalingClient.open(wsUrl, plan.localAddress, spec.setupTimeout);
    await signaling.bind(token, spec.setupTimeout);
    const ack = await signaling.offer(plan.host, { client_name: plan.username }, spec.setupTimeout);
    if (ack.public_addr && !plan.behindNat) path = await openDirect(plan, ack.public_addr);
    path ??= await openRelay(plan, signaling);
    sink.connected(path.kind);
    await stream(plan, path);
  } catch (error) {
    if (error instanceof SetupFailure) sink.setupFailed(error.reason, error.message);
    else sink.setupFailed('auth', (error as Error).message);
  } finally {
    path?.close();
    signaling?.close();
  }
}

/** The direct path, or undefined when the host does not answer on it (the client then tries a relay). */
async function openDirect(plan: SessionPlan, address: string): Promise<MediaPath | undefined> {
  const path = await MediaPath.open(plan.localAddress, address, 'direct');
  await path.holePunch();
  if (await handshake(plan, path)) return path;
  path.close();
  return undefined;
}

async function openRelay(plan: SessionPlan, signaling: SignalingClient): Promise<MediaPath> {
  const { spec, sink } = plan;
  const grant = await signaling.requestRelay(plan.host, spec.relayCredentialsTimeout);
  sink.leaseIssued();
  const role = leaseClaims(grant.token)?.role ?? 'client';
  const path = await MediaPath.open(plan.localAddress, grant.addr, 'relay');
  try {
    const reply = await new Promise<{ type: 'ack' } | { type: 'reject'; reason: string } | undefined>((resolve) => {
      let attempts = 0;
      const timer = setInterval(() => {
        if (++attempts >= spec.handshakeAttempts) return finish(undefined);
        path.presentLease(grant.session_id, role, grant.token);
      }, spec.handshakeInterval);
      const finish = (value: { type: 'ack' } | { type: 'reject'; reason: string } | undefined) => {
        clearInterval(timer);
        resolve(value);
      };
      path.listen(
        () => undefined,
        (relayReply) => {
          if (relayReply.type === 'ack') finish({ type: 'ack' });
          if (relayReply.type === 'reject') finish({ type: 'reject', reason: relayReply.reason });
        },
      );
      path.presentLease(grant.session_id, role, grant.token);
    });
    if (!reply) throw new SetupFailure('relay_unreachable', `no ACK or REJECT from relay ${grant.addr} after ${spec.handshakeAttempts} attempts`);
    if (reply.type === 'reject') {
      sink.leaseRejected(reply.reason);
      throw new SetupFailure('lease_rejected', `relay rejected the lease: ${reply.reason}`);
    }
    // FORWARD is dropped until the host has presented its own lease: the handshake waits for it.
    if (!(await handshake(plan, path))) throw new SetupFailure('relay_unreachable', 'the host never answered through the relay');
    return path;
  } catch (error) {
    path.close();
    throw error;
  }
}

/** Pings until one comes back: `handshakeAttempts` tries, `handshakeInterval` apart. */
function handshake(plan: SessionPlan, path: MediaPath): Promise<boolean> {
  return new Promise((resolve) => {
    let attempts = 0;
    const send = () => path.send({ sequence: path.nextSequence(), kind: 'Ping', sentAtMs: performance.now(), paddingBytes: 0 });
    const timer = setInterval(() => {
      if (++attempts >= plan.spec.handshakeAttempts) return done(false);
      send();
    }, plan.spec.handshakeInterval);
    const done = (ok: boolean) => {
      clearInterval(timer);
      resolve(ok);
    };
    path.listen((media) => media.kind === 'Pong' && done(true));
    send();
  });
}

/** Inputs on an open-loop schedule and pings, for the session's duration; measures every echo. */
async function stream(plan: SessionPlan, path: MediaPath): Promise<void> {
  const { spec, sink } = plan;
  const outstanding = new Map<number, number>();
  let sent = 0;
  let lastEchoAt = performance.now();
  let jitterMs = 0;
  let lastTransit: number | undefined;
  path.listen((media) => {
    const intendedAt = outstanding.get(media.sequence);
    if (intendedAt === undefined) return;
    outstanding.delete(media.sequence);
    const now = performance.now();
    lastEchoAt = now;
    const latency = now - media.sentAtMs;
    // RFC 3550 interarrival jitter over echo transit times.
    if (lastTransit !== undefined) jitterMs += (Math.abs(latency - lastTransit) - jitterMs) / 16;
    lastTransit = latency;
    sink.echo(path.kind, media.kind === 'Frame' ? 'input' : 'ping', latency);
  });
  const started = performance.now();
  const inputEveryMs = 1_000 / spec.inputRate;
  let nextInput = started;
  let nextPing = started;
  let dropped = false;
  while (performance.now() - started < spec.sessionDuration && !plan.stop.aborted) {
    const now = performance.now();
    // Every input due by now goes out, stamped with its intended time, so a late sender shows in the latency.
    while (nextInput <= now) {
      const sequence = path.nextSequence();
      outstanding.set(sequence, nextInput);
      path.send({ sequence, kind: 'Input', sentAtMs: nextInput, paddingBytes: INPUT_PADDING_BYTES });
      sent++;
      nextInput += inputEveryMs;
    }
    if (nextPing <= now) {
      const sequence = path.nextSequence();
      outstanding.set(sequence, nextPing);
      path.send({ sequence, kind: 'Ping', sentAtMs: nextPing, paddingBytes: 0 });
      sent++;
      nextPing += spec.pingInterval;
    }
    if (now - lastEchoAt > DROP_AFTER_SILENCE_MS) {
      dropped = true;
      break;
    }
    await new Promise((r) => setTimeout(r, Math.max(1, Math.min(nextInput, nextPing) - performance.now())));
  }
  await new Promise((r) => setTimeout(r, ECHO_GRACE_MS));
  sink.ended(path.kind, { sent, lost: outstanding.size, jitterMs, dropped });
}
