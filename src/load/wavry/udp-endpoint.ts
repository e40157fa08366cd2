/**
 * A viewer's UDP socket, bound to the viewer's own loopback address: the direct path to a host and the relay
 * path both use it. One datagram listener at a time (the path being set up, then the session).
 */
import dgram from 'node:dgram';

export interface HostPort {
  host: string;
  port: number;
}

/** `ip:port` (IPv4) → parts; undefined when it is not one. */
export function parseHostPort(address: string): HostPort | undefined {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(address.trim());
  const port = Number(match?.[2]);
  return match && port > 0 && port <= 65_535 ? { host: match[1]!, port } : undefined;
}

export type DatagramListener = (datagram: Buffer, from: HostPort) => void;

export class UdpEndpoint {
  private listener: DatagramListener = () => undefined;
  private closed = false;

  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (datagram, from) => this.listener(datagram, { host: from.address, port: from.port }));
    socket.on('error', () => undefined);
  }

  static bind(localAddress: string): Promise<UdpEndpoint> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, localAddress, () => {
        socket.off('error', reject);
        resolve(new UdpEndpoint(socket));
      });
    });
  }

  /** `ip:port` the socket is bound to (what a STUN server would report on loopback). */
  get address(): string {
    const bound = this.socket.address();
    return `${bound.address}:${bound.port}`;
  }

  onDatagram(listener: DatagramListener): void {
    this.listener = listener;
  }

  send(datagram: Buffer, to: HostPort): void {
    if (!this.closed) this.socket.send(datagram, to.port, to.host);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listener = () => undefined;
    this.socket.close();
  }
}
