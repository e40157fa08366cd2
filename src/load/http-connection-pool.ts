/**
 * A fixed pool of keep-alive connections to one loopback target, one request in flight per
 * connection. Requests beyond the pool wait in a FIFO queue; that wait is part of their corrected
 * latency. A request with no full response `timeoutMs` after its intended start fails as a timeout,
 * whether it is still queued or in flight; one sweep timer checks, not a timer per request.
 */
import type { Clock } from '../common/clock.ts';
import { HttpConnection, type HttpConnectionTarget } from './http-connection.ts';
import { HttpExchange, type HttpExchangeResult } from './http-exchange.ts';

export interface HttpConnectionPoolOptions extends Omit<HttpConnectionTarget, 'readBuffer'> {
  /** Connections kept open. */
  connections: number;
  /** Longest time from a request's intended start to its full response, ms. */
  timeoutMs: number;
  /** Called for every exchange as it ends, before its promise resolves. */
  onExchange?: (result: HttpExchangeResult) => void;
  /** How often the timeout sweep runs, ms. Default a tenth of `timeoutMs`, between 5 and 250 ms. */
  sweepEveryMs?: number;
}

const READ_BUFFER_BYTES = 64 * 1024;

export class HttpConnectionPool {
  private readonly connections: HttpConnection[];
  private readonly idle: HttpConnection[];
  private queue: HttpExchange[] = [];
  private head = 0;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  private readonly clock: Clock;

  constructor(private readonly options: HttpConnectionPoolOptions) {
    if (!(options.connections >= 1)) throw new RangeError(`connections must be at least 1, got ${options.connections}`);
    this.clock = options.clock;
    const target: HttpConnectionTarget = { ...options, readBuffer: Buffer.allocUnsafe(READ_BUFFER_BYTES) };
    this.connections = Array.from({ length: options.connections }, () => new HttpConnection(target, this.release));
    this.idle = [...this.connections];
    const tickMs = options.sweepEveryMs ?? Math.min(250, Math.max(5, options.timeoutMs / 10));
    this.sweeper = setInterval(() => this.sweep(), tickMs).unref();
  }

  /** Opens every connection; rejects with the first connection error. */
  async open(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.open()));
  }

  /** Requests waiting for a free connection. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  /** Sends one request meant to start at `intendedAtMs` (monotonic ms). Never rejects: failures are in the result. */
  send(intendedAtMs: number): Promise<HttpExchangeResult> {
    return new Promise((resolve) => {
      const exchange = new HttpExchange(intendedAtMs, intendedAtMs + this.options.timeoutMs, resolve, this.options.onExchange);
      if (this.closed) exchange.fail('aborted', undefined, this.clock.nowMs());
      else if (this.idle.length > 0) this.dispatch(this.idle.pop()!, exchange);
      else this.queue.push(exchange);
    });
  }

  /** Ends every request queued or in flight as aborted; the pool stays usable. */
  abortAll(): void {
    const now = this.clock.nowMs();
    for (const exchange of this.drainQueue()) exchange.fail('aborted', undefined, now);
    for (const connection of this.connections) {
      if (!connection.inFlight) continue;
      connection.abort('aborted');
      this.idle.push(connection);
    }
  }

  /** Aborts what is left and closes every connection. */
  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    this.abortAll();
    for (const connection of this.connections) connection.close();
  }

  /**
   * A connection finished an exchange: give it the oldest queued request still within its deadline (failing the
   * expired ones before it as timeouts, in a loop: after a stall the queue can hold thousands), or mark it idle.
   */
  private readonly release = (connection: HttpConnection): void => {
    const now = this.clock.nowMs();
    while (this.head < this.queue.length && !this.closed) {
      const next = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as HttpExchange;
      if (this.head > 1_024 && this.head * 2 > this.queue.length) this.compact();
      if (now <= next.deadlineMs) return connection.send(next);
      next.fail('timeout', this.timeoutError(), now);
    }
    this.idle.push(connection);
  };

  /** Sends on `connection`, unless the request is already past its deadline. */
  private dispatch(connection: HttpConnection, exchange: HttpExchange): void {
    const now = this.clock.nowMs();
    if (now <= exchange.deadlineMs) return connection.send(exchange);
    exchange.fail('timeout', this.timeoutError(), now);
    this.release(connection);
  }

  private sweep(): void {
    const now = this.clock.nowMs();
    // The queue is in intended-time order: expired requests are at its head.
    while (this.head < this.queue.length && this.queue[this.head]!.deadlineMs < now) {
      const expired = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as HttpExchange;
      expired.fail('timeout', this.timeoutError(), now);
    }
    for (const connection of this.connections) {
      const exchange = connection.inFlight;
      if (!exchange || exchange.deadlineMs >= now) continue;
      connection.abort('timeout', this.timeoutError());
      this.release(connection);
    }
    if (this.head === this.queue.length) this.compact();
  }

  private timeoutError(): Error {
    return new Error(`no full response within ${this.options.timeoutMs} ms of the intended start`);
  }

  private drainQueue(): HttpExchange[] {
    const pending = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    return pending;
  }

  private compact(): void {
    this.queue = this.queue.slice(this.head);
    this.head = 0;
  }
}
