/**
 * The direct path over plain UDP, as the real client opens it: three one-byte hole punches 50 ms apart, then a
 * handshake (here: a Ping) each `intervalMs` until the host answers (a Pong), at most `attempts` times.
 * Undefined when the host never answers: the viewer then falls back to a relay.
 */
import type { Clock } from '../../common/clock.ts';
import { Mailbox, WaitTimeout } from './mailbox.ts';
import { decodeMedia, encodeMedia, SequenceCounter } from './media-frames.ts';
import type { HandshakeBudget, MediaPath } from './media-path.ts';
import type { HostPort, UdpEndpoint } from './udp-endpoint.ts';

const HOLE_PUNCHES = 3;
const HOLE_PUNCH_SPACING_MS = 50;

export interface DirectUdpOptions {
  udp: UdpEndpoint;
  host: HostPort;
  handshake: HandshakeBudget;
  clock: Clock;
  signal: AbortSignal;
}

const fromHost = (from: HostPort, host: HostPort) => from.port === host.port && from.host === host.host;

export async function openDirectUdpPath(options: DirectUdpOptions): Promise<MediaPath | undefined> {
  const { udp, host, clock, signal } = options;
  const sequence = new SequenceCounter();
  const probes = new Set<number>();
  const pongs = new Mailbox<number>(clock);
  udp.onDatagram((datagram, from) => {
    if (!fromHost(from, host) || datagram.length <= 1) return;
    const media = decodeMedia(datagram);
    if (media?.kind === 'Pong' && probes.has(media.sequence)) pongs.push(media.sequence);
  });
  for (let i = 0; i < HOLE_PUNCHES; i++) {
    udp.send(Buffer.alloc(1), host);
    await clock.sleep(HOLE_PUNCH_SPACING_MS, signal);
  }
  for (let attempt = 0; attempt < options.handshake.attempts; attempt++) {
    const probe = sequence.next();
    probes.add(probe);
    udp.send(encodeMedia(probe, 'Ping', clock.nowMs()), host);
    try {
      await pongs.take((s) => s, options.handshake.intervalMs, signal);
      return directUdpPath(udp, host, sequence);
    } catch (error) {
      if (!(error instanceof WaitTimeout)) throw error;
    }
  }
  udp.onDatagram(() => undefined);
  return undefined;
}

function directUdpPath(udp: UdpEndpoint, host: HostPort, sequence: SequenceCounter): MediaPath {
  return {
    route: 'direct',
    transport: 'udp',
    sequence,
    send: (media) => udp.send(media, host),
    onMedia: (listener) => udp.onDatagram((datagram, from) => fromHost(from, host) && datagram.length > 1 && listener(datagram)),
    close: () => udp.onDatagram(() => undefined),
  };
}
