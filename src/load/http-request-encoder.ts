/**
 * Encodes the one HTTP/1.1 request an `http` workload sends, once, so each arrival only writes bytes.
 */

/** What to send. */
export interface HttpRequestSpec {
  method: string;
  /** Request target: path and query, starting with `/`. */
  path: string;
  /** `host:port` for the Host header. */
  host: string;
  /** Extra headers. Content-Length, Transfer-Encoding and Connection are set by the encoder and ignored here. */
  headers?: Record<string, string>;
  body?: string;
}

const MANAGED = new Set(['content-length', 'transfer-encoding', 'connection']);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function checkField(what: string, value: string): void {
  if (/[\r\n\0]/.test(value)) throw new RangeError(`${what} must not contain CR, LF or NUL, got ${JSON.stringify(value)}`);
}

export function encodeHttpRequest(spec: HttpRequestSpec): Buffer {
  if (!TOKEN.test(spec.method)) throw new RangeError(`method must be an HTTP token such as GET, got ${JSON.stringify(spec.method)}`);
  if (!spec.path.startsWith('/') || /[\s]/.test(spec.path))
    throw new RangeError(`path must start with / and contain no spaces, got ${JSON.stringify(spec.path)}`);
  checkField('host', spec.host);
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body, 'utf8');
  const lines = [`${spec.method} ${spec.path} HTTP/1.1`];
  const headers = Object.entries(spec.headers ?? {}).filter(([name]) => !MANAGED.has(name.toLowerCase()));
  if (!headers.some(([name]) => name.toLowerCase() === 'host')) lines.push(`Host: ${spec.host}`);
  for (const [name, value] of headers) {
    if (!TOKEN.test(name)) throw new RangeError(`header name must be an HTTP token, got ${JSON.stringify(name)}`);
    checkField(`header ${name}`, value);
    lines.push(`${name}: ${value}`);
  }
  if (body || ['POST', 'PUT', 'PATCH'].includes(spec.method)) lines.push(`Content-Length: ${body?.length ?? 0}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}
