/**
 * The direct path as a WebRTC data channel (node-datachannel): offer over the gateway (`Offer{sdp}`), trickle
 * ICE candidates both ways (`Candidate`; ours once the answer is in), and once the channel opens, probe with a
 * Ping until the host echoes it. The channel is unordered with no retransmissions, so it loses what the network
 * loses, as UDP does.
 * `unanswered` means the host sent no ANSWER within `answerTimeoutMs` (it does not speak WebRTC).
 */
import type { DataChannel, PeerConnection } from 'node-datachannel';
import type { Clock } from '../../common/clock.ts';
import type { GatewaySignaling } from './gateway-signaling.ts';
import { decodeCandidate, encodeCandidate } from '../../wire/ice-candidate.ts';
import { Mailbox, WaitTimeout } from './mailbox.ts';
import { decodeMedia, encodeMedia, SequenceCounter } from './media-frames.ts';
import type { HandshakeBudget, MediaPath } from './media-path.ts';
import { closePeerConnection, openPeerConnection } from './webrtc-peers.ts';

export type WebRtcOutcome = { kind: 'open'; path: MediaPath } | { kind: 'unanswered' } | { kind: 'failed' };

export interface WebRtcPathOptions {
  signaling: GatewaySignaling;
  /** Username of the host. */
  host: string;
  localAddress: string;
  handshake: HandshakeBudget;
  /** Wait for the host's ANSWER this long before taking it for a host without WebRTC, ms. */
  answerTimeoutMs: number;
  clock: Clock;
  signal: AbortSignal;
}

type ChannelEvent = 'answer' | 'open' | 'pong' | 'closed';

const asBuffer = (message: string | Buffer | ArrayBuffer) =>
  typeof message === 'string' ? undefined : Buffer.isBuffer(message) ? message : Buffer.from(message);

export async function openWebRtcPath(options: WebRtcPathOptions): Promise<WebRtcOutcome> {
  const { signaling, host, clock, signal } = options;
  const endsAt = clock.nowMs() + options.handshake.attempts * options.handshake.intervalMs;
  const connection = await openPeerConnection(`viewer-${options.localAddress}`, options.localAddress);
  const events = new Mailbox<ChannelEvent>(clock);
  const sequence = new SequenceCounter();
  const probes = new Set<number>();
  // Our candidates go out only once the host's answer is applied. Sent earlier, the host's ICE checks and DTLS
  // hello can arrive (straight over UDP) before its answer (through the gateway), and the library then fails the
  // handshake: it has no fingerprint yet to check the host's certificate against ("certificate verify failed").
  const candidates: string[] = [];
  let answered = false;
  const sendCandidate = (candidate: string) => signaling.send({ type: 'CANDIDATE', target_username: host, candidate });
  const unsubscribe = followHost(
    connection,
    signaling,
    host,
    () => {
      answered = true;
      candidates.splice(0).forEach(sendCandidate);
      events.push('answer');
    },
    () => events.push('closed'),
  );
  connection.onLocalDescription((sdp, type) => type === 'offer' && signaling.send({ type: 'OFFER', target_username: host, sdp }));
  connection.onLocalCandidate((candidate, mid) => {
    const encoded = encodeCandidate(candidate, mid);
    if (answered) sendCandidate(encoded);
    else candidates.push(encoded);
  });
  connection.onStateChange((state) => (state === 'failed' || state === 'closed') && events.push('closed'));
  const channel = connection.createDataChannel('wavry-media', { unordered: true, maxRetransmits: 0 });
  channel.onOpen(() => events.push('open'));
  channel.onClosed(() => events.push('closed'));
  channel.onMessage((message) => {
    const media = asBuffer(message) && decodeMedia(asBuffer(message)!);
    if (media?.kind === 'Pong' && probes.has(media.sequence)) events.push('pong');
  });
  const next = (wanted: ChannelEvent, timeoutMs: number) =>
    events
      .take((e) => (e === wanted || e === 'closed' ? e : undefined), Math.max(0, timeoutMs), signal)
      .catch((error: unknown) => {
        if (error instanceof WaitTimeout) return 'timeout' as const;
        throw error;
      });
  let opened = false;
  try {
    const answer = await next('answer', Math.min(options.answerTimeoutMs, endsAt - clock.nowMs()));
    if (answer === 'timeout') return { kind: 'unanswered' };
    if (answer === 'closed' || (await next('open', endsAt - clock.nowMs())) !== 'open') return { kind: 'failed' };
    while (clock.nowMs() < endsAt) {
      const probe = sequence.next();
      probes.add(probe);
      channel.sendMessageBinary(encodeMedia(probe, 'Ping', clock.nowMs()));
      const reply = await next('pong', Math.min(options.handshake.intervalMs, endsAt - clock.nowMs()));
      if (reply === 'closed') return { kind: 'failed' };
      if (reply === 'pong') {
        opened = true;
        return { kind: 'open', path: channelPath(connection, channel, sequence) };
      }
    }
    return { kind: 'failed' };
  } finally {
    unsubscribe();
    if (!opened) closeChannel(channel, connection);
  }
}

/** Applies the host's ANSWER and its trickled candidates (queued until the answer is set). */
function followHost(
  connection: PeerConnection,
  signaling: GatewaySignaling,
  host: string,
  onAnswer: () => void,
  onError: () => void,
): () => void {
  let answered = false;
  const queued: { candidate: string; sdpMid: string }[] = [];
  const add = (c: { candidate: string; sdpMid: string }) => {
    try {
      connection.addRemoteCandidate(c.candidate, c.sdpMid);
    } catch {
      /* a candidate the agent cannot use: ICE tries the others */
    }
  };
  return signaling.subscribe((message) => {
    if (message.type === 'ANSWER' && message.target_username === host && !answered) {
      try {
        connection.setRemoteDescription(message.sdp, 'answer');
      } catch {
        return onError();
      }
      answered = true;
      queued.splice(0).forEach(add);
      onAnswer();
    } else if (message.type === 'CANDIDATE' && message.target_username === host) {
      const candidate = decodeCandidate(message.candidate);
      if (candidate && answered) add(candidate);
      else if (candidate) queued.push(candidate);
    }
  });
}

function channelPath(connection: PeerConnection, channel: DataChannel, sequence: SequenceCounter): MediaPath {
  let closed = false;
  return {
    route: 'direct',
    transport: 'webrtc',
    sequence,
    send: (media) => {
      if (!closed && channel.isOpen()) channel.sendMessageBinary(media);
    },
    onMedia: (listener) => {
      try {
        channel.onMessage((message) => {
          const bytes = asBuffer(message);
          if (bytes) listener(bytes);
        });
      } catch {
        // node-datachannel throws on a channel it destroyed (the host went away mid-session): nothing more arrives.
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      closeChannel(channel, connection);
    },
  };
}

/** The channel first: node-datachannel's cleanup() crashes on a channel left open on a closed connection. */
function closeChannel(channel: DataChannel, connection: PeerConnection): void {
  try {
    channel.close();
  } catch {
    /* already closed */
  }
  closePeerConnection(connection);
}
