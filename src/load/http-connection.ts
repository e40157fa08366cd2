/**
 * One keep-alive HTTP/1.1 connection of the driver's pool: writes the pre-encoded request, reads the
 * response with HttpResponseParser into a read buffer shared by the pool (no allocation per read),
 * and reconnects lazily after the server closes it or a request on it fails.
 */
import net from 'node:net';
import type { Clock } from '../common/clock.ts';
import type { HttpExchange, HttpFailure } from './http-exchange.ts';
import { HttpResponseParser } from './http-response-parser.ts';

/** What every connection of a pool shares. */
export interface HttpConnectionTarget {
  host: string;
  port: number;
  /** The encoded request, written as is for every exchange. */
  request: Buffer;
  /** True for HEAD: responses carry no body. */
  bodyless: boolean;
  clock: Clock;
  /** Read buffer shared by the pool's connections; each read is parsed before the next can land. */
  readBuffer: Buffer;
}

export class HttpConnection {
  private socket: net.Socket | undefined;
  private exchange: HttpExchange | undefined;
  private readonly parser = new HttpResponseParser();

  /** `onIdle` is called after the connection itself ended an exchange (response, socket error, close). */
  constructor(
    private readonly target: HttpConnectionTarget,
    private readonly onIdle: (connection: HttpConnection) => void,
  ) {}

  /** The exchange in flight on this connection. */
  get inFlight(): HttpExchange | undefined {
    return this.exchange;
  }

  /** Connects ahead of the first request, so connection setup does not count in the first latencies. */
  open(): Promise<void> {
    const socket = this.socket ?? this.connect();
    if (!socket.connecting) return Promise.resolve();
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
  }

  send(exchange: HttpExchange): void {
    this.exchange = exchange;
    this.parser.expect(this.target.bodyless);
    const socket = this.socket ?? this.connect();
    exchange.sentAtMs = this.target.clock.nowMs();
    socket.write(this.target.request);
  }

  /** Ends the exchange in flight as `failure` and drops the socket (a late response must not be read as the next one's). */
  abort(failure: HttpFailure, error?: Error): void {
    const exchange = this.exchange;
    this.exchange = undefined;
    this.dropSocket();
    exchange?.fail(failure, error, this.target.clock.nowMs());
  }

  close(): void {
    this.abort('aborted');
  }

  private connect(): net.Socket {
    const { host, port, readBuffer } = this.target;
    let lastError: Error | undefined;
    const socket: net.Socket = net.connect({
      host,
      port,
      noDelay: true,
      onread: {
        buffer: readBuffer,
        callback: (bytes: number, buffer: Uint8Array) => {
          this.onRead(socket, buffer as Buffer, bytes);
          return true; // keep reading
        },
      },
    });
    socket.on('error', (error) => (lastError = error));
    socket.on('close', () => this.onClose(socket, lastError));
    this.socket = socket;
    return socket;
  }

  private onRead(socket: net.Socket, buffer: Buffer, bytes: number): void {
    if (socket !== this.socket) return;
    const exchange = this.exchange;
    if (!exchange) {
      this.dropSocket(); // bytes nobody asked for: the connection is out of step
      return;
    }
    let end: number;
    try {
      end = this.parser.execute(buffer, 0, bytes);
    } catch (error) {
      this.abort('error', error as Error);
      this.onIdle(this);
      return;
    }
    if (end < 0) return;
    this.exchange = undefined;
    if (!this.parser.keepAlive || end < bytes) this.dropSocket();
    exchange.complete(this.parser.status, this.target.clock.nowMs());
    this.onIdle(this);
  }

  private onClose(socket: net.Socket, error: Error | undefined): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    const exchange = this.exchange;
    if (!exchange) return;
    this.exchange = undefined;
    if (this.parser.finishOnClose()) exchange.complete(this.parser.status, this.target.clock.nowMs());
    else exchange.fail('error', error ?? new Error('connection closed before the response ended'), this.target.clock.nowMs());
    this.onIdle(this);
  }

  private dropSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }
}
