/**
 * The HTTP layer under toxiproxy-node-client for drill: the library's own client has no timeout, and a Toxiproxy
 * server is known to hang when a toxic is removed under load (Shopify/toxiproxy#412, #558), so every request here
 * is aborted after `timeoutMs`, and failures keep the status and the server's `{"error"}` message.
 * It has the methods the library's Toxiproxy, Proxy and Toxic classes call (get, post, delete, getText).
 */
import { fetch } from 'undici';
import { FaultError } from '../common/errors.ts';

/** The server answered with a status other than 2xx. */
export class ToxiproxyHttpError extends FaultError {
  constructor(
    readonly method: string,
    readonly url: string,
    /** HTTP status code. */
    readonly status: number,
    /** The parsed JSON body (`{"error", "status"}` from Toxiproxy), or the raw text. */
    readonly body: unknown,
  ) {
    const detail = typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : String(body).trim();
    super(`${method} ${url} answered ${status}${detail ? `: ${detail}` : ''}`);
  }

  /** The server's own message (`error` field), if any. */
  get serverMessage(): string | undefined {
    const body = this.body;
    return typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : undefined;
  }
}

/** No answer: timeout, refused or broken connection. */
export class ToxiproxyUnreachableError extends FaultError {}

/** Worth another attempt: no answer, or a 5xx. */
export function isTransient(error: unknown): boolean {
  return error instanceof ToxiproxyUnreachableError || (error instanceof ToxiproxyHttpError && error.status >= 500);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class TimedTransport {
  constructor(
    /** Per-request timeout, ms. */
    private readonly timeoutMs: number,
  ) {}

  async get<T>(url: string): Promise<{ data: T }> {
    return { data: parse(await this.request('GET', url)) as T };
  }

  async post<T>(url: string, body?: unknown): Promise<{ data: T }> {
    const text = await this.request('POST', url, body);
    return { data: (text === '' ? undefined : parse(text)) as T };
  }

  async patch<T>(url: string, body: unknown): Promise<{ data: T }> {
    return { data: parse(await this.request('PATCH', url, body)) as T };
  }

  async delete(url: string): Promise<void> {
    await this.request('DELETE', url);
  }

  getText(url: string): Promise<string> {
    return this.request('GET', url);
  }

  private async request(method: string, url: string, body?: unknown): Promise<string> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await fetch(url, {
        method,
        signal,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
      });
      const text = await response.text();
      if (!response.ok) throw new ToxiproxyHttpError(method, url, response.status, parse(text));
      return text;
    } catch (error) {
      if (error instanceof ToxiproxyHttpError) throw error;
      const reason = signal.aborted ? `no answer within ${this.timeoutMs} ms` : describe(error);
      throw new ToxiproxyUnreachableError(`${method} ${url}: ${reason}`, { cause: error });
    }
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${(error.cause as NodeJS.ErrnoException).code ?? error.cause.message})` : '';
  return `${error.message}${cause}`;
}
