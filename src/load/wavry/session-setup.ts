/**
 * Session setup as the real client does it (wavry-stack §1.5): sign up, Bind on the gateway, OFFER_RIFT to the
 * host and wait for its ANSWER_RIFT within `setupTimeout`. A HelloAck with a reachable address, for a viewer not
 * "behind NAT", leads to the direct path (a WebRTC data channel where the host answers offers, else its UDP
 * address); otherwise, or when the direct path stays silent through the handshake attempts, REQUEST_RELAY,
 * RELAY_CREDENTIALS within `relayCredentialsTimeout`, LEASE_PRESENT and FORWARD through the relay.
 */
import type { Clock } from '../../common/clock.ts';
import type { WavryWorkloadSpec } from '../../scenario/workload-schema.ts';
import type { LeaseRejectReason, RelayCredentials, RiftHello, RiftHelloAck } from '../../wire/wavry.ts';
import { signUpOrIn } from './client-account.ts';
import { openDirectUdpPath } from './direct-udp-path.ts';
import { BindRefused, GatewaySignaling } from './gateway-signaling.ts';
import type { HostCapabilities } from './host-capabilities.ts';
import { WaitTimeout } from './mailbox.ts';
import type { HandshakeBudget, MediaPath } from './media-path.ts';
import { openRelayPath } from './relay-path.ts';
import { failureReason, SetupFailure, type SetupStep } from './setup-failure.ts';
import { parseHostPort, UdpEndpoint } from './udp-endpoint.ts';
import type { ViewerCredentials } from './viewer-ledger.ts';
import { openWebRtcPath } from './webrtc-path.ts';

export interface SessionPlan {
  /** The viewer's account; with a kept token it Binds with that first (a returning viewer). Updated in place. */
  viewer: ViewerCredentials;
  /** The viewer's own loopback source address. */
  localAddress: string;
  /** Username of the host to view. */
  host: string;
  /** Ignores the host's address and takes a relay (and advertises no address of its own). */
  behindNat: boolean;
}

export interface SetupEvents {
  /** A kept token was presented at Bind: refused or not, counted at its issue time (epoch ms). */
  tokenPresented(issuedAtMs: number, refused: boolean): void;
  /** A returning viewer's account was gone (signing up again made it anew), counted at its creation time. */
  accountLost(createdAtMs: number): void;
  leaseIssued(credentials: RelayCredentials): void;
  leaseRejected(reason: LeaseRejectReason | 'Unknown'): void;
}

export interface SetupDeps {
  spec: WavryWorkloadSpec;
  /** `http://host:port` of the gateway. */
  gatewayUrl: string;
  capabilities: HostCapabilities;
  events: SetupEvents;
  clock: Clock;
}

/** What a session holds open; the caller closes it whatever happens. */
export interface SessionResources {
  udp?: UdpEndpoint;
  signaling?: GatewaySignaling;
  path?: MediaPath;
}

/** Runs one setup step; a failure that is not the session's own stop becomes SetupFailure (see `failureReason`). */
async function step<T>(
  signal: AbortSignal,
  which: SetupStep,
  context: { setupTimeLeftMs: () => number; directTried: boolean },
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (signal.aborted || error instanceof SetupFailure) throw error;
    const reason = failureReason(which, {
      timedOut: error instanceof WaitTimeout,
      setupTimeLeftMs: context.setupTimeLeftMs(),
      directTried: context.directTried,
    });
    throw new SetupFailure(reason, `${which.replace('_', ' ')}: ${(error as Error).message}`, { cause: error });
  }
}

export async function setUpSession(plan: SessionPlan, deps: SetupDeps, held: SessionResources, signal: AbortSignal): Promise<MediaPath> {
  const { spec, clock } = deps;
  const setupEndsAt = clock.nowMs() + spec.setupTimeout;
  const left = () => Math.max(0, setupEndsAt - clock.nowMs());
  const before = { setupTimeLeftMs: left, directTried: false };
  const udp = (held.udp = await UdpEndpoint.bind(plan.localAddress));
  const signaling = await signInAndBind(plan, deps, held, before, signal);
  const ack = await step(signal, 'offer', before, () => offer(signaling, plan, udp, left(), signal));
  const budget: HandshakeBudget = { attempts: spec.handshakeAttempts, intervalMs: spec.handshakeInterval };
  const direct = ack.public_addr && !plan.behindNat ? parseHostPort(ack.public_addr) : undefined;
  const directTried = direct !== undefined && direct.host.startsWith('127.');
  if (directTried) {
    const path = await openDirect(plan, deps, { udp, signaling, host: direct, budget, signal, directTried });
    if (path) return path;
  }
  return viaRelay(plan, deps, { udp, signaling, budget, signal, directTried });
}

/**
 * A returning viewer Binds with the token it kept; "Invalid Token" (the gateway no longer knows it) is counted
 * and the viewer signs in again, as a user asked to log in once more does. Signing in registers the account
 * (a 201 for a returning viewer means the gateway had lost it) or, when the name is taken, logs in.
 */
async function signInAndBind(
  plan: SessionPlan,
  deps: SetupDeps,
  held: SessionResources,
  before: { setupTimeLeftMs: () => number; directTried: boolean },
  signal: AbortSignal,
): Promise<GatewaySignaling> {
  const { viewer } = plan;
  const kept = viewer.token;
  if (kept) {
    const signaling = await openSignaling(plan, deps, held, before, signal);
    const refused = await step(signal, 'bind', before, async () => {
      try {
        await signaling.bind(kept.value, before.setupTimeLeftMs(), signal);
        return false;
      } catch (error) {
        if (error instanceof BindRefused && error.message === 'Invalid Token') return true;
        throw error;
      }
    });
    deps.events.tokenPresented(kept.issuedAtMs, refused);
    if (!refused) return signaling;
    signaling.close();
    viewer.token = undefined;
  }
  const signedIn = await step(signal, 'sign_in', before, () =>
    signUpOrIn(deps.gatewayUrl, viewer.account, { localAddress: plan.localAddress, timeoutMs: before.setupTimeLeftMs(), signal }),
  );
  const now = deps.clock.wallMs();
  if (signedIn.registered && kept && viewer.createdAtMs !== undefined) deps.events.accountLost(viewer.createdAtMs);
  if (signedIn.registered || viewer.createdAtMs === undefined) viewer.createdAtMs = now;
  viewer.token = { value: signedIn.token, issuedAtMs: now };
  const signaling = await openSignaling(plan, deps, held, before, signal);
  await step(signal, 'bind', before, () => signaling.bind(signedIn.token, before.setupTimeLeftMs(), signal));
  return signaling;
}

async function openSignaling(
  plan: SessionPlan,
  deps: SetupDeps,
  held: SessionResources,
  before: { setupTimeLeftMs: () => number; directTried: boolean },
  signal: AbortSignal,
): Promise<GatewaySignaling> {
  return (held.signaling = await step(signal, 'signaling', before, () =>
    GatewaySignaling.connect({
      url: `${deps.gatewayUrl.replace(/^http/, 'ws')}/ws`,
      localAddress: plan.localAddress,
      timeoutMs: before.setupTimeLeftMs(),
      clock: deps.clock,
      signal,
    }),
  ));
}

async function offer(
  signaling: GatewaySignaling,
  plan: SessionPlan,
  udp: UdpEndpoint,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<RiftHelloAck> {
  const hello: RiftHello = { client_name: plan.viewer.account.username, ...(plan.behindNat ? {} : { public_addr: udp.address }) };
  signaling.send({ type: 'OFFER_RIFT', target_username: plan.host, hello_base64: Buffer.from(JSON.stringify(hello)).toString('base64') });
  const reply = await signaling.inbox.take(
    (m) => ((m.type === 'ANSWER_RIFT' && m.target_username === plan.host) || m.type === 'ERROR' ? m : undefined),
    timeoutMs,
    signal,
  );
  if (reply.type === 'ERROR') throw new Error(`gateway: ${reply.message}`);
  const ack = JSON.parse(Buffer.from(reply.ack_base64, 'base64').toString('utf8')) as RiftHelloAck;
  if (!ack.accepted) throw new Error(`host ${plan.host} did not accept the session`);
  return ack;
}

interface PathContext {
  udp: UdpEndpoint;
  signaling: GatewaySignaling;
  budget: HandshakeBudget;
  signal: AbortSignal;
  /** The direct path was tried (and stayed silent) before the relay. */
  directTried: boolean;
}

/** WebRTC first where the host may answer offers, else (or when it does not answer) its UDP address. */
async function openDirect(
  plan: SessionPlan,
  deps: SetupDeps,
  context: PathContext & { host: { host: string; port: number } },
): Promise<MediaPath | undefined> {
  const { clock, capabilities } = deps;
  const known = capabilities.directTransport(plan.host);
  if (known !== 'udp') {
    const outcome = await openWebRtcPath({
      signaling: context.signaling,
      host: plan.host,
      localAddress: plan.localAddress,
      handshake: context.budget,
      answerTimeoutMs: known === 'webrtc' ? Infinity : context.budget.intervalMs,
      clock,
      signal: context.signal,
    }).catch((error: unknown) => {
      if (context.signal.aborted) throw error;
      return { kind: 'unanswered' as const };
    });
    if (outcome.kind === 'open') {
      capabilities.learn(plan.host, 'webrtc');
      return outcome.path;
    }
    if (outcome.kind === 'failed') return undefined;
    capabilities.learn(plan.host, 'udp');
  }
  return openDirectUdpPath({ udp: context.udp, host: context.host, handshake: context.budget, clock, signal: context.signal });
}

async function viaRelay(plan: SessionPlan, deps: SetupDeps, context: PathContext): Promise<MediaPath> {
  const { spec, clock, events } = deps;
  const { signaling, signal } = context;
  signaling.send({ type: 'REQUEST_RELAY', target_username: plan.host });
  const credentials = await step(signal, 'relay_request', { setupTimeLeftMs: () => 0, directTried: context.directTried }, async () => {
    const reply = await signaling.inbox.take(
      (m) => (m.type === 'RELAY_CREDENTIALS' || m.type === 'ERROR' ? m : undefined),
      spec.relayCredentialsTimeout,
      signal,
    );
    if (reply.type === 'ERROR') throw new Error(`gateway: ${reply.message}`);
    return reply as RelayCredentials;
  });
  events.leaseIssued(credentials);
  const outcome = await openRelayPath({ udp: context.udp, credentials, presentAs: spec.presentAs, handshake: context.budget, clock, signal });
  if (outcome.kind === 'open') return outcome.path;
  // The relay's answer decides from here, whether or not a direct attempt came first.
  const after = context.directTried ? ' (after a silent direct path)' : '';
  if (outcome.kind === 'rejected') {
    events.leaseRejected(outcome.reason);
    throw new SetupFailure('lease_rejected', `relay ${credentials.addr} rejected the lease: ${outcome.reason}${after}`);
  }
  const what = outcome.acked ? 'the host never answered through relay' : 'no ACK or REJECT from relay';
  throw new SetupFailure(
    'relay_unreachable',
    `${what} ${credentials.addr} within ${spec.handshakeAttempts} × ${spec.handshakeInterval} ms${after}`,
  );
}
