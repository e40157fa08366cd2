/**
 * One JSON request over a fresh connection from a chosen loopback source address (`localAddress`), so the
 * server sees the simulated client's own IP. Bounded by `timeoutMs` and the abort signal.
 */
import http from 'node:http';

export interface JsonReply {
  status: number;
  /** Parsed body; undefined when empty or not JSON. */
  body: unknown;
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  body?: unknown;
  localAddress?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export function requestJson(url: string, request: JsonRequest): Promise<JsonReply> {
  const target = new URL(url);
  const data = request.body === undefined ? undefined : JSON.stringify(request.body);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: request.method,
        agent: false,
        timeout: request.timeoutMs,
        ...(request.localAddress ? { localAddress: request.localAddress } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        headers: data === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('error', reject);
        response.on('end', () => {
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: response.statusCode ?? 0, body });
        });
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`${request.method} ${target.pathname}: no answer within ${request.timeoutMs} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end(data);
  });
}
