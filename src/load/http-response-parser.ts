/**
 * Incremental HTTP/1.1 response parser for the load driver: it reads the status and just enough
 * headers to find the end of the response (Content-Length, chunked, or connection close) and the
 * connection's fate, and skips the body. Bytes may arrive split anywhere.
 */

/** The bytes received are not an HTTP/1.x response. */
export class HttpProtocolError extends Error {
  override readonly name = 'HttpProtocolError';
}

const State = {
  Head: 0,
  FixedBody: 1,
  BodyUntilClose: 2,
  ChunkSize: 3,
  ChunkData: 4,
  ChunkDataEnd: 5,
  Trailers: 6,
  Done: 7,
} as const;
type State = (typeof State)[keyof typeof State];

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 4 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const ZERO = 0x30;
const ONE = 0x31;
const SPACE = 0x20;
const TAB = 0x09;
const STATUS_PREFIX = Buffer.from('HTTP/1.', 'latin1');
const CONTENT_LENGTH = Buffer.from('content-length', 'latin1');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding', 'latin1');
const CONNECTION = Buffer.from('connection', 'latin1');

/** Index of the CR ending the line that starts at `from`, or `end`. */
function lineEnd(data: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) if (data[i] === CR) return i;
  return end;
}

const isDigit = (byte: number | undefined) => byte !== undefined && byte >= ZERO && byte <= ZERO + 9;

/** `HTTP/1.0 NNN` or `HTTP/1.1 NNN`, then the end of the line or a space. */
function isStatusLine(data: Buffer, start: number, end: number): boolean {
  if (end - start < 12 || data.compare(STATUS_PREFIX, 0, STATUS_PREFIX.length, start, start + STATUS_PREFIX.length) !== 0) return false;
  const minor = data[start + 7];
  return (minor === ZERO || minor === ONE) && data[start + 8] === SPACE && isDigit(data[start + 9]) && isDigit(data[start + 10]) && isDigit(data[start + 11]) && (end === start + 12 || data[start + 12] === SPACE);
}

/** The header name at `start` equals `lowerName`, ignoring ASCII case (`| 0x20` lower-cases letters and keeps `-`). */
function nameIs(data: Buffer, start: number, lowerName: Buffer): boolean {
  for (let i = 0; i < lowerName.length; i++) if ((data[start + i]! | 0x20) !== lowerName[i]) return false;
  return true;
}

/** A Content-Length value in `data[from, end)`: digits with optional spaces around them. */
function readLength(data: Buffer, from: number, end: number): number {
  let at = from;
  while (at < end && (data[at] === SPACE || data[at] === TAB)) at++;
  let length = 0;
  const digitsFrom = at;
  for (; at < end && isDigit(data[at]); at++) length = length * 10 + (data[at]! - ZERO);
  let after = at;
  while (after < end && (data[after] === SPACE || data[after] === TAB)) after++;
  if (at === digitsFrom || after !== end || length > Number.MAX_SAFE_INTEGER) {
    throw new HttpProtocolError(`bad Content-Length: ${JSON.stringify(data.toString('latin1', from, end).trim())}`);
  }
  return length;
}

export class HttpResponseParser {
  /** Status code of the response being read or just completed. */
  status = 0;
  /** False when the response ends the connection (Connection: close, HTTP/1.0, or a body delimited by close). */
  keepAlive = true;
  private state: State = State.Done;
  private bodyless = false;
  /** Body bytes left: of the fixed-length body or of the current chunk. */
  private remaining = 0;
  /** Start of a response head split across reads (copied: the read buffer is reused). */
  private partialHead: Buffer | undefined;
  /** Start of a chunk-size or trailer line split across reads. */
  private partialLine = '';

  /** Prepares for the response to the next request; `bodyless` for a HEAD request, whose response has no body. */
  expect(bodyless: boolean): void {
    this.state = State.Head;
    this.bodyless = bodyless;
    this.status = 0;
    this.keepAlive = true;
    this.partialHead = undefined;
    this.partialLine = '';
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /**
   * Reads `data[start, end)`. Returns the index just past the end of the response once it is complete,
   * or -1 when every byte was used and more are needed. Throws HttpProtocolError on malformed input.
   */
  execute(data: Buffer, start = 0, end = data.length): number {
    let at = start;
    while (at < end || this.state === State.Done) {
      switch (this.state) {
        case State.Done:
          return at;
        case State.Head:
          at = this.readHead(data, at, end);
          break;
        case State.FixedBody:
        case State.ChunkData: {
          const take = Math.min(this.remaining, end - at);
          this.remaining -= take;
          at += take;
          if (this.remaining === 0) this.state = this.state === State.FixedBody ? State.Done : State.ChunkDataEnd;
          break;
        }
        case State.BodyUntilClose:
          return -1;
        default:
          at = this.readChunkLine(data, at, end);
      }
      if (at < 0) return -1;
    }
    return -1;
  }

  /** The connection closed. Returns true when that completed the response (a body delimited by close). */
  finishOnClose(): boolean {
    if (this.state !== State.BodyUntilClose) return false;
    this.state = State.Done;
    return true;
  }

  private readHead(data: Buffer, at: number, end: number): number {
    let buffer = data;
    let from = at;
    let limit = end;
    if (this.partialHead) {
      buffer = Buffer.concat([this.partialHead, data.subarray(at, end)]);
      from = 0;
      limit = buffer.length;
    }
    const headEnd = buffer.indexOf(HEAD_END, from);
    if (headEnd < 0 || headEnd + 4 > limit) {
      if (limit - from > MAX_HEAD_BYTES) throw new HttpProtocolError(`response head longer than ${MAX_HEAD_BYTES} bytes`);
      this.partialHead = Buffer.from(buffer.subarray(from, limit));
      return -1;
    }
    const consumedFromData = this.partialHead ? headEnd + 4 - this.partialHead.length : headEnd + 4 - at;
    this.partialHead = undefined;
    this.parseHead(buffer, from, headEnd);
    return at + consumedFromData;
  }

  /** The head in `data[start, end)` (without its final blank line), read as bytes: no string per response. */
  private parseHead(data: Buffer, start: number, end: number): void {
    const statusEnd = lineEnd(data, start, end);
    if (!isStatusLine(data, start, statusEnd)) {
      throw new HttpProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(data.toString('latin1', start, Math.min(statusEnd, start + 80)))}`);
    }
    this.status = (data[start + 9]! - ZERO) * 100 + (data[start + 10]! - ZERO) * 10 + (data[start + 11]! - ZERO);
    let keepAlive = data[start + 7] === ONE;
    let contentLength = -1;
    let chunked = false;
    for (let line = statusEnd + 2; line < end; ) {
      const eol = lineEnd(data, line, end);
      // Only three headers matter: look for a colon where each name ends, then compare the name.
      if (data[line + 14] === COLON && eol > line + 14 && nameIs(data, line, CONTENT_LENGTH)) {
        contentLength = readLength(data, line + 15, eol);
      } else if (data[line + 17] === COLON && eol > line + 17 && nameIs(data, line, TRANSFER_ENCODING)) {
        chunked = data.toString('latin1', line + 18, eol).toLowerCase().includes('chunked');
      } else if (data[line + 10] === COLON && eol > line + 10 && nameIs(data, line, CONNECTION)) {
        const value = data.toString('latin1', line + 11, eol).toLowerCase();
        if (value.includes('close')) keepAlive = false;
        else if (value.includes('keep-alive')) keepAlive = true;
      }
      line = eol + 2;
    }
    this.keepAlive = keepAlive;
    this.startBody(contentLength, chunked);
  }

  private startBody(contentLength: number, chunked: boolean): void {
    const { status } = this;
    if (status >= 100 && status < 200 && status !== 101) {
      this.state = State.Head; // an interim response: the real one follows
    } else if (this.bodyless || status === 204 || status === 304 || status === 101) {
      this.state = State.Done;
    } else if (chunked) {
      this.state = State.ChunkSize;
    } else if (contentLength >= 0) {
      this.remaining = contentLength;
      this.state = contentLength === 0 ? State.Done : State.FixedBody;
    } else {
      this.keepAlive = false;
      this.state = State.BodyUntilClose;
    }
  }

  /** Chunk-size lines, the CRLF after chunk data, and trailer lines. */
  private readChunkLine(data: Buffer, at: number, end: number): number {
    const newline = data.indexOf(LF, at);
    if (newline < 0 || newline >= end) {
      this.partialLine += data.toString('latin1', at, end);
      if (this.partialLine.length > MAX_LINE_BYTES) throw new HttpProtocolError('chunk line too long');
      return -1;
    }
    const raw = this.partialLine + data.toString('latin1', at, newline);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this.partialLine = '';
    if (this.state === State.ChunkSize) {
      const size = parseInt(line, 16);
      if (!/^[0-9a-fA-F]+/.test(line) || !Number.isFinite(size))
        throw new HttpProtocolError(`bad chunk size line: ${JSON.stringify(line.slice(0, 40))}`);
      this.remaining = size;
      this.state = size === 0 ? State.Trailers : State.ChunkData;
    } else if (this.state === State.ChunkDataEnd) {
      if (line !== '') throw new HttpProtocolError('chunk data longer than its size');
      this.state = State.ChunkSize;
    } else if (line === '') {
      this.state = State.Done;
    }
    return newline + 1;
  }
}
