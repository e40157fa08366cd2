/**
 * A working data path between a viewer and its host, as the media session sees it: send a media payload, hear
 * the echoes. Opened by `direct-udp-path.ts`, `webrtc-path.ts` or `relay-path.ts` once a handshake got an echo.
 */
import type { SequenceCounter } from './media-frames.ts';

/** Which way the session runs: straight to the host, or through a relay. */
export type PathRoute = 'direct' | 'relay';

export interface MediaPath {
  readonly route: PathRoute;
  /** What carries it: a UDP datagram, a WebRTC data channel, or a relay FORWARD. */
  readonly transport: 'udp' | 'webrtc' | 'relay';
  /** Sequences of this path (the handshake used the first ones). */
  readonly sequence: SequenceCounter;
  send(media: Buffer): void;
  /** Every media payload the host sends back; replaces the previous listener. */
  onMedia(listener: (media: Buffer) => void): void;
  close(): void;
}

/** How long a handshake may try: `attempts` waits of `intervalMs` (the real client: 6 × 2 s). */
export interface HandshakeBudget {
  attempts: number;
  intervalMs: number;
}
