/**
 * The harness side of the bridge stand-in's control API: inject user messages, follow the oracle log of sends,
 * read delivery stats, and set faults. Every call has a timeout.
 */
import { Pool } from 'undici';
import WebSocket from 'ws';
import { InfrastructureError } from '../../common/errors.ts';
import type { BridgeFaults, BridgeStats, InjectMessage, InjectResponse, SendRecord } from '../../wire/signal.ts';

const CALL_TIMEOUT_MS = 5_000;

export class BridgeControl implements AsyncDisposable {
  private readonly pool: Pool;
  private oracle: WebSocket | undefined;

  constructor(readonly baseUrl: string) {
    this.pool = new Pool(baseUrl, { connections: 16, pipelining: 1, headersTimeout: CALL_TIMEOUT_MS, bodyTimeout: CALL_TIMEOUT_MS });
  }

  async inject(account: string, messages: InjectMessage[]): Promise<InjectResponse> {
    return this.call<InjectResponse>('POST', '/_drill/inject', { account, messages });
  }

  /** Delivery stats; with `account`, `subscribers` counts only the receive websockets of that account. */
  stats(account?: string): Promise<BridgeStats> {
    return this.call<BridgeStats>('GET', account === undefined ? '/_drill/stats' : `/_drill/stats?account=${encodeURIComponent(account)}`);
  }

  async setFaults(faults: BridgeFaults): Promise<void> {
    await this.call('PUT', '/_drill/faults', faults);
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/_drill/faults');
  }

  /** Streams every accepted send to `onRecord`; resolves once subscribed. */
  followOracle(onRecord: (record: SendRecord) => void): Promise<void> {
    const url = `${this.baseUrl.replace(/^http/, 'ws')}/_drill/oracle`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: CALL_TIMEOUT_MS });
      this.oracle = socket;
      socket.once('open', () => resolve());
      socket.once('error', (error) => reject(new InfrastructureError(`cannot follow the bridge oracle at ${url}: ${error.message}`, { cause: error })));
      socket.on('message', (data) => onRecord(JSON.parse(String(data)) as SendRecord));
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.oracle?.terminate();
    await this.pool.close();
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.pool.request({
      method: method as 'GET',
      path,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new InfrastructureError(`bridge control ${method} ${path} → ${response.statusCode}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}
