/**
 * Which hosts answer a WebRTC offer. A host not known yet gets an offer and one handshake interval to answer;
 * one that does not is remembered as UDP-only (today's host fixture ignores OFFER), so later viewers of it go
 * straight to its UDP address. A host that answered once is expected to answer again.
 */
export type DirectTransport = 'webrtc' | 'udp';

export class HostCapabilities {
  private readonly known = new Map<string, DirectTransport>();

  /** How to try the direct path to `host`: WebRTC first unless it is known not to answer. */
  directTransport(host: string): DirectTransport | 'unknown' {
    return this.known.get(host) ?? 'unknown';
  }

  learn(host: string, transport: DirectTransport): void {
    if (this.known.get(host) !== 'webrtc') this.known.set(host, transport);
  }
}
