/**
 * The harness's client of the master's HTTP API (kept-alive connections, every call bounded): the relay registry
 * the control-plane relays drive, the admin state change, and the inventory the driver samples.
 */
import { Pool } from 'undici';
import type { Clock } from '../../common/clock.ts';

const CALL_TIMEOUT_MS = 5_000;

export interface MasterReply {
  /** HTTP status; 0 when no answer came (refused, reset, timed out). */
  status: number;
  body: unknown;
  /** Request start → full response, ms. */
  elapsedMs: number;
}

export class MasterApi implements AsyncDisposable {
  private readonly pool: Pool;

  constructor(
    readonly baseUrl: string,
    private readonly clock: Clock,
  ) {
    this.pool = new Pool(baseUrl, { connections: 8, headersTimeout: CALL_TIMEOUT_MS, bodyTimeout: CALL_TIMEOUT_MS });
  }

  post(path: string, body: unknown, bearer?: string): Promise<MasterReply> {
    return this.call('POST', path, body, bearer);
  }

  get(path: string): Promise<MasterReply> {
    return this.call('GET', path);
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown, bearer?: string): Promise<MasterReply> {
    const startedMs = this.clock.nowMs();
    const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
    if (bearer) headers['authorization'] = `Bearer ${bearer}`;
    try {
      const response = await this.pool.request({
        method,
        path,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const text = await response.body.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = text;
      }
      return { status: response.statusCode, body: parsed, elapsedMs: this.clock.nowMs() - startedMs };
    } catch {
      return { status: 0, body: undefined, elapsedMs: this.clock.nowMs() - startedMs };
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.pool.close();
  }
}
