/**
 * The relay path: present the lease (LEASE_PRESENT in the role the lease names, or as Client) every `intervalMs` until the
 * relay answers ACK or REJECT, then probe with a Ping in FORWARD until the host, which joins the same relay
 * session with its own lease, echoes it. All within `attempts` × `intervalMs`.
 */
import type { Clock } from '../../common/clock.ts';
import { RELAY_PACKET_TYPE, type LeaseRejectReason, type RelayCredentials } from '../../wire/wavry.ts';
import { presentedRole } from './lease-role.ts';
import { Mailbox, WaitTimeout } from './mailbox.ts';
import { decodeMedia, encodeMedia, SequenceCounter } from './media-frames.ts';
import type { HandshakeBudget, MediaPath } from './media-path.ts';
import { decodeRelayReply, encodeLeasePresent, relayHeader, sessionIdBytes } from './relay-frames.ts';
import { parseHostPort, type HostPort, type UdpEndpoint } from './udp-endpoint.ts';

/** After the ACK, probes go this often: the host may present its lease a moment after this viewer. */
const PROBE_SPACING_MS = 200;

export type RelayOutcome =
  | { kind: 'open'; path: MediaPath }
  | { kind: 'rejected'; reason: LeaseRejectReason | 'Unknown' }
  /** No ACK/REJECT, or no echo after the ACK, within the budget (or an address off loopback, never contacted). */
  | { kind: 'unreachable'; acked: boolean };

export interface RelayPathOptions {
  udp: UdpEndpoint;
  credentials: RelayCredentials;
  /** lease: the role the lease names; client: always Client, as the real client presents. */
  presentAs: 'lease' | 'client';
  handshake: HandshakeBudget;
  clock: Clock;
  signal: AbortSignal;
}

type RelayEvent = { type: 'ack' } | { type: 'reject'; reason: LeaseRejectReason | 'Unknown' } | { type: 'pong' };

export async function openRelayPath(options: RelayPathOptions): Promise<RelayOutcome> {
  const { udp, credentials, clock, signal } = options;
  const relay = parseHostPort(credentials.addr);
  if (!relay || !relay.host.startsWith('127.')) return { kind: 'unreachable', acked: false };
  const session = sessionIdBytes(credentials.session_id);
  const forwardHeader = relayHeader(RELAY_PACKET_TYPE.Forward, session);
  const role = options.presentAs === 'client' ? 'client' : presentedRole(credentials.token);
  const present = encodeLeasePresent(session, role, credentials.token);
  const sequence = new SequenceCounter();
  const probes = new Set<number>();
  const events = new Mailbox<RelayEvent>(clock);
  udp.onDatagram((datagram, from) => {
    if (from.port !== relay.port || from.host !== relay.host) return;
    const reply = decodeRelayReply(datagram, session);
    if (reply?.type === 'ack') events.push({ type: 'ack' });
    else if (reply?.type === 'reject') events.push(reply);
    else if (reply?.type === 'forward') {
      const media = decodeMedia(reply.payload);
      if (media?.kind === 'Pong' && probes.has(media.sequence)) events.push({ type: 'pong' });
    }
  });
  const endsAt = clock.nowMs() + options.handshake.attempts * options.handshake.intervalMs;
  let nextPresentAt = clock.nowMs();
  let acked = false;
  for (let now = clock.nowMs(); now < endsAt; now = clock.nowMs()) {
    if (!acked && now >= nextPresentAt) {
      udp.send(present, relay);
      nextPresentAt += options.handshake.intervalMs;
    }
    if (acked) {
      const probe = sequence.next();
      probes.add(probe);
      udp.send(Buffer.concat([forwardHeader, encodeMedia(probe, 'Ping', now)]), relay);
    }
    const waitMs = Math.min(endsAt, acked ? now + PROBE_SPACING_MS : nextPresentAt) - now;
    let event: RelayEvent;
    try {
      event = await events.take((e) => e, waitMs, signal);
    } catch (error) {
      if (error instanceof WaitTimeout) continue;
      throw error;
    }
    if (event.type === 'reject') return { kind: 'rejected', reason: event.reason };
    if (event.type === 'pong') return { kind: 'open', path: relayMediaPath(udp, relay, session, forwardHeader, sequence) };
    acked = true;
  }
  udp.onDatagram(() => undefined);
  return { kind: 'unreachable', acked };
}

function relayMediaPath(udp: UdpEndpoint, relay: HostPort, session: Buffer, forwardHeader: Buffer, sequence: SequenceCounter): MediaPath {
  return {
    route: 'relay',
    transport: 'relay',
    sequence,
    send: (media) => udp.send(Buffer.concat([forwardHeader, media]), relay),
    onMedia: (listener) =>
      udp.onDatagram((datagram, from) => {
        if (from.port !== relay.port || from.host !== relay.host) return;
        const reply = decodeRelayReply(datagram, session);
        if (reply?.type === 'forward') listener(reply.payload);
      }),
    close: () => udp.onDatagram(() => undefined),
  };
}
