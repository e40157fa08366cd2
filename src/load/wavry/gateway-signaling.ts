/**
 * A viewer's signaling websocket on the gateway `/ws`, opened from the viewer's own loopback address. Writes the
 * gateway's dialect, reads either, and keeps what arrives in a mailbox for the session's step-by-step waits;
 * streaming listeners (ICE candidates) see every message too.
 */
import WebSocket from 'ws';
import type { Clock } from '../../common/clock.ts';
import type { FlatSignal } from '../../wire/wavry.ts';
import { Mailbox, MailboxClosed } from './mailbox.ts';
import { decodeSignalFrame, encodeSignalFrame } from './signal-frames.ts';

/** The gateway refused the websocket (HTTP status at upgrade, e.g. 429 over the per-IP cap) or the socket failed. */
export class SignalingRefused extends Error {
  override name = 'SignalingRefused';
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The gateway answered Bind with an error ("Invalid Token", "Rate limit exceeded", …). */
export class BindRefused extends Error {
  override name = 'BindRefused';
}

export interface SignalingOptions {
  /** `ws://host:port/ws`. */
  url: string;
  localAddress: string;
  timeoutMs: number;
  clock: Clock;
  signal: AbortSignal;
}

export class GatewaySignaling {
  readonly inbox: Mailbox<FlatSignal>;
  private readonly listeners = new Set<(message: FlatSignal) => void>();

  private constructor(
    private readonly socket: WebSocket,
    clock: Clock,
  ) {
    this.inbox = new Mailbox(clock);
    socket.on('message', (data, isBinary) => {
      const message = isBinary ? undefined : decodeSignalFrame(String(data));
      if (!message) return;
      for (const listener of this.listeners) listener(message);
      this.inbox.push(message);
    });
    socket.on('close', (code) => this.inbox.close(new MailboxClosed(`gateway closed the signaling socket (${code})`)));
    socket.on('error', () => undefined);
  }

  static connect(options: SignalingOptions): Promise<GatewaySignaling> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(options.url, {
        localAddress: options.localAddress,
        handshakeTimeout: Math.max(1, Math.round(options.timeoutMs)),
      });
      const onAbort = () => socket.terminate();
      options.signal.addEventListener('abort', onAbort, { once: true });
      const settle = (error?: Error) => {
        options.signal.removeEventListener('abort', onAbort);
        if (error) reject(options.signal.aborted ? options.signal.reason : error);
        else resolve(new GatewaySignaling(socket, options.clock));
      };
      socket.once('unexpected-response', (_request, response) => {
        socket.terminate();
        settle(new SignalingRefused(response.statusCode, `gateway refused the websocket: ${response.statusCode}`));
      });
      socket.once('open', () => {
        socket.removeAllListeners('error');
        settle();
      });
      socket.on('error', (error) => settle(new SignalingRefused(undefined, `signaling socket: ${error.message}`)));
    });
  }

  send(message: FlatSignal): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(encodeSignalFrame(message));
  }

  /** Bind with the session token; resolves on Bound, throws BindRefused on an error, WaitTimeout after `timeoutMs`. */
  async bind(token: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
    this.send({ type: 'BIND', token });
    const reply = await this.inbox.take((m) => (m.type === 'BOUND' || m.type === 'ERROR' ? m : undefined), timeoutMs, signal);
    if (reply.type === 'ERROR') throw new BindRefused(reply.message);
  }

  /** Calls `listener` with every message from now on; returns the unsubscribe function. */
  subscribe(listener: (message: FlatSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
    this.socket.terminate();
  }
}
