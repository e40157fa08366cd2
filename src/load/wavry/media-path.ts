/**
 * One client's UDP data path: straight to the host, or through a relay (packets wrapped in FORWARD for the
 * relay session). Sends drill's media packets and hands back the echoes, and on the relay path the relay's
 * ACK or REJECT of the lease.
 */
import dgram from 'node:dgram';
import type { LeaseRole, MediaPacket } from '../../wire/wavry.ts';
import { RELAY_PACKET_TYPE } from '../../wire/wavry.ts';
import { decodeMedia, encodeMedia, leasePresent, readRelayPacket, relayPacket, type RelayReply } from './relay-wire.ts';

export type PathKind = 'direct' | 'relay';

function split(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

export class MediaPath {
  private onMedia: (packet: MediaPacket) => void = () => undefined;
  private onRelay: (reply: RelayReply) => void = () => undefined;
  private relaySession: string | undefined;
  private sequence = 0;
  private target: { host: string; port: number };

  private constructor(
    private readonly socket: dgram.Socket,
    target: string,
    readonly kind: PathKind,
  ) {
    this.target = split(target);
    socket.on('message', (message) => this.receive(message));
    socket.on('error', () => undefined);
  }

  /** A UDP socket bound to the client's own loopback address. */
  static async open(localAddress: string, target: string, kind: PathKind): Promise<MediaPath> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, localAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new MediaPath(socket, target, kind);
  }

  listen(onMedia: (packet: MediaPacket) => void, onRelay: (reply: RelayReply) => void = () => undefined): void {
    this.onMedia = onMedia;
    this.onRelay = onRelay;
  }

  /** Relay path: present the lease for `sessionId`; later media goes in FORWARD packets of that session. */
  presentLease(sessionId: string, role: LeaseRole, token: string): void {
    this.relaySession = sessionId;
    this.raw(leasePresent(sessionId, role, token));
  }

  /** Three one-byte hole punches, 50 ms apart, as the real client sends before a direct session. */
  async holePunch(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      this.raw(Buffer.alloc(1));
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sequences rise for the life of the path: the relay drops a FORWARD whose sequence it has seen. */
  nextSequence(): number {
    return ++this.sequence;
  }

  send(packet: MediaPacket): void {
    const media = encodeMedia(packet);
    this.raw(this.relaySession ? relayPacket(RELAY_PACKET_TYPE.Forward, this.relaySession, media) : media);
  }

  close(): void {
    this.socket.close();
  }

  private raw(bytes: Buffer): void {
    this.socket.send(bytes, this.target.port, this.target.host);
  }

  private receive(message: Buffer): void {
    if (this.kind === 'direct') {
      const media = decodeMedia(message);
      if (media) this.onMedia(media);
      return;
    }
    const reply = readRelayPacket(message);
    if (reply.type === 'forward') {
      const media = decodeMedia(reply.payload);
      if (media) this.onMedia(media);
    } else this.onRelay(reply);
  }
}
