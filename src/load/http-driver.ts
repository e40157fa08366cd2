/**
 * The `http` workload driver: one request per arrival to a loopback target over a fixed pool of
 * keep-alive connections, recording corrected and uncorrected latency of every response and
 * counting failures (status not expected, timeouts, socket or protocol errors).
 *
 * It speaks HTTP/1.1 itself (a pre-encoded request, a minimal response parser) rather than through
 * undici: on the load benchmark that costs fewer CPU seconds per request, and it knows the exact
 * moment each request is written, which the uncorrected latency is measured from.
 */
import { systemClock, type Clock } from '../common/clock.ts';
import { InfrastructureError, UsageError } from '../common/errors.ts';
import { isLoopbackHost } from '../common/loopback.ts';
import type { HttpWorkloadSpec } from '../scenario/workload-schema.ts';
import type { Arrival } from './arrival-scheduler.ts';
import { HttpConnectionPool, type HttpConnectionPoolOptions } from './http-connection-pool.ts';
import type { HttpExchangeResult } from './http-exchange.ts';
import { encodeHttpRequest } from './http-request-encoder.ts';
import { LatencyRecorder } from './latency-recorder.ts';

export interface HttpDriverOptions {
  /** Target origin, e.g. `http://127.0.0.1:8080`; only loopback hosts are allowed. */
  url: string;
  method?: string;
  /** Path and query; default the URL's own, else `/`. */
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Statuses that count as success. Default 200, 201, 204. */
  expectStatus?: readonly number[];
  /** Keep-alive connections. Default 10. */
  connections?: number;
  /** Longest time from an arrival's intended start to the full response, ms. Default 10,000. */
  timeoutMs?: number;
  clock?: Clock;
  /** Called as each request ends (aborted ones excepted), after it is counted; `failed` as in `http_req_failed`. */
  onResult?: (result: HttpExchangeResult, failed: boolean) => void;
}

/** What the driver saw. Counts are of requests. */
export interface HttpDriverResults {
  /** Requests that ended: with a response, a timeout or an error. Aborted ones are not counted. */
  requests: number;
  /** Requests with an unexpected status, a timeout or an error (`http_req_failed`). */
  failed: number;
  unexpectedStatus: number;
  timeouts: number;
  errors: number;
  /** Requests abandoned when the run's graceful stop ran out. */
  aborted: number;
  /** Responses by status code. */
  statusCounts: Record<string, number>;
  /** Errors by code (`ECONNREFUSED`) or error name. */
  errorCodes: Record<string, number>;
  /** Latency of every response, whatever its status (`http_req_duration` and `_uncorrected`). */
  latency: LatencyRecorder;
}

export class HttpDriver implements AsyncDisposable {
  readonly latency = new LatencyRecorder();
  private readonly expected: Uint8Array = new Uint8Array(600);
  private readonly statusCounts = new Map<number, number>();
  private readonly errorCodes = new Map<string, number>();
  private requests = 0;
  private unexpectedStatus = 0;
  private timeouts = 0;
  private errors = 0;
  private aborted = 0;
  private watchedStop: AbortSignal | undefined;

  private readonly pool: HttpConnectionPool;

  private constructor(
    pool: Omit<HttpConnectionPoolOptions, 'onExchange'>,
    expectStatus: readonly number[],
    private readonly onResult: HttpDriverOptions['onResult'],
  ) {
    for (const status of expectStatus) if (status >= 0 && status < this.expected.length) this.expected[status] = 1;
    this.pool = new HttpConnectionPool({ ...pool, onExchange: (result) => this.account(result) });
  }

  /** Checks the target, encodes the request and opens every connection. */
  static async connect(options: HttpDriverOptions): Promise<HttpDriver> {
    const url = new URL(options.url);
    if (url.protocol !== 'http:') throw new UsageError(`http workload target must be an http:// URL, got ${options.url}`);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!isLoopbackHost(host)) {
      throw new UsageError(
        `http workload target must be a loopback address (127.0.0.1, ::1, localhost), got ${url.hostname}; load never leaves this machine`,
      );
    }
    const method = options.method ?? 'GET';
    const request = encodeHttpRequest({
      method,
      path: options.path ?? `${url.pathname}${url.search}`,
      host: url.host,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const driver = new HttpDriver(
      {
        host,
        port: Number(url.port || 80),
        request,
        bodyless: method === 'HEAD',
        clock: options.clock ?? systemClock,
        connections: options.connections ?? 10,
        timeoutMs: options.timeoutMs ?? 10_000,
      },
      options.expectStatus ?? [200, 201, 204],
      options.onResult,
    );
    try {
      await driver.pool.open();
    } catch (error) {
      driver.pool.close();
      const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      throw new InfrastructureError(
        `Cannot connect to the http workload target ${url.origin} (${code}); check that the service is up and listening`,
        { cause: error },
      );
    }
    return driver;
  }

  /** Options for a scenario's `http` workload whose target resolved to `url`. */
  static optionsFor(spec: HttpWorkloadSpec, url: string): HttpDriverOptions {
    return {
      url,
      method: spec.method,
      path: spec.path,
      headers: spec.headers,
      ...(spec.body !== undefined ? { body: spec.body } : {}),
      expectStatus: spec.expectStatus,
      connections: spec.connections,
      timeoutMs: spec.timeout,
    };
  }

  /** The scheduler's fire callback: one request per arrival. `stop` aborting abandons what is in flight. */
  readonly fire = (arrival: Arrival, stop?: AbortSignal): Promise<HttpExchangeResult> => {
    if (stop && stop !== this.watchedStop) {
      this.watchedStop = stop;
      if (stop.aborted) this.pool.abortAll();
      else stop.addEventListener('abort', () => this.pool.abortAll(), { once: true });
    }
    return this.pool.send(arrival.intendedAtMs);
  };

  results(): HttpDriverResults {
    return {
      requests: this.requests,
      failed: this.unexpectedStatus + this.timeouts + this.errors,
      unexpectedStatus: this.unexpectedStatus,
      timeouts: this.timeouts,
      errors: this.errors,
      aborted: this.aborted,
      statusCounts: Object.fromEntries([...this.statusCounts].map(([status, count]) => [String(status), count])),
      errorCodes: Object.fromEntries(this.errorCodes),
      latency: this.latency,
    };
  }

  /** Ends every request still queued or in flight as aborted; the driver stays usable. */
  abandonInFlight(): void {
    this.pool.abortAll();
  }

  /** Abandons what is in flight and closes every connection. */
  close(): Promise<void> {
    this.pool.close();
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private account(result: HttpExchangeResult): void {
    if (result.failure === 'aborted') {
      this.aborted++;
      return;
    }
    this.requests++;
    if (result.failure) {
      if (result.failure === 'timeout') this.timeouts++;
      else {
        this.errors++;
        const code = (result.error as NodeJS.ErrnoException | undefined)?.code ?? result.error?.name ?? 'Error';
        this.errorCodes.set(code, (this.errorCodes.get(code) ?? 0) + 1);
      }
      this.onResult?.(result, true);
      return;
    }
    const { status } = result;
    this.statusCounts.set(status, (this.statusCounts.get(status) ?? 0) + 1);
    const unexpected = this.expected[status] !== 1;
    if (unexpected) this.unexpectedStatus++;
    this.latency.record(result.intendedAtMs, result.sentAtMs, result.doneAtMs);
    this.onResult?.(result, unexpected);
  }
}
