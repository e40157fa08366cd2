/**
 * One request of the http driver, from its intended start to its end: the record both latencies
 * and the failure kinds are computed from.
 */

/** How a request ended without a response: no answer in time, a socket or protocol error, or abandoned at the end of the run. */
export type HttpFailure = 'timeout' | 'error' | 'aborted';

/** The outcome of one request. Times are monotonic clock ms. */
export interface HttpExchangeResult {
  /** When the arrival meant to send it. */
  readonly intendedAtMs: number;
  /** When it was written to a connection; NaN if it never was. */
  readonly sentAtMs: number;
  /** When the full response arrived, or the request failed. */
  readonly doneAtMs: number;
  /** Response status; 0 without a response. */
  readonly status: number;
  /** Set when there was no response. */
  readonly failure: HttpFailure | undefined;
  readonly error: Error | undefined;
}

export class HttpExchange implements HttpExchangeResult {
  sentAtMs = Number.NaN;
  doneAtMs = Number.NaN;
  status = 0;
  failure: HttpFailure | undefined;
  error: Error | undefined;

  /**
   * @param intendedAtMs When the arrival meant to send it, monotonic ms.
   * @param deadlineMs After this (monotonic ms) the request counts as timed out, even if a response comes.
   */
  constructor(
    readonly intendedAtMs: number,
    readonly deadlineMs: number,
    private readonly resolve: (result: HttpExchangeResult) => void,
    private readonly onEnd: ((result: HttpExchangeResult) => void) | undefined,
  ) {}

  /** A full response arrived at `atMs`; past the deadline it still counts as a timeout. */
  complete(status: number, atMs: number): void {
    if (atMs > this.deadlineMs) return this.fail('timeout', new Error('the response came after the timeout'), atMs);
    this.status = status;
    this.end(atMs);
  }

  fail(failure: HttpFailure, error: Error | undefined, atMs: number): void {
    this.failure = failure;
    this.error = error;
    this.end(atMs);
  }

  private end(atMs: number): void {
    this.doneAtMs = atMs;
    this.onEnd?.(this);
    this.resolve(this);
  }
}
