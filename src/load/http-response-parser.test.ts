import { describe, expect, it } from 'vitest';
import { HttpProtocolError, HttpResponseParser } from './http-response-parser.ts';

/** Feeds `pieces` one read at a time; returns the parser and the leftover bytes after the response. */
function parse(pieces: string[], bodyless = false) {
  const parser = new HttpResponseParser();
  parser.expect(bodyless);
  for (let i = 0; i < pieces.length; i++) {
    const data = Buffer.from(pieces[i]!, 'latin1');
    const end = parser.execute(data);
    if (end >= 0) return { parser, complete: true, rest: data.subarray(end).toString('latin1') + pieces.slice(i + 1).join('') };
  }
  return { parser, complete: false, rest: '' };
}

/** Every way to cut `text` in two. */
function allSplits(text: string): string[][] {
  return Array.from({ length: text.length - 1 }, (_, i) => [text.slice(0, i + 1), text.slice(i + 1)]);
}

const fixed = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello';
const chunked =
  'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: yes\r\n\r\n';

describe('HttpResponseParser', () => {
  it('reads a response with Content-Length in one piece', () => {
    const { parser, complete, rest } = parse([fixed]);
    expect(complete).toBe(true);
    expect(parser.status).toBe(200);
    expect(parser.keepAlive).toBe(true);
    expect(rest).toBe('');
  });

  it('reads fixed-length and chunked responses split at every byte', () => {
    for (const text of [fixed, chunked]) {
      for (const pieces of allSplits(text)) {
        const { parser, complete, rest } = parse(pieces);
        expect(complete, JSON.stringify(pieces)).toBe(true);
        expect(parser.status).toBe(text === fixed ? 200 : 201);
        expect(rest).toBe('');
      }
    }
  });

  it('stops at the end of the response and leaves what follows', () => {
    const { complete, rest } = parse([fixed + 'HTTP/1.1 200']);
    expect(complete).toBe(true);
    expect(rest).toBe('HTTP/1.1 200');
  });

  it('waits for the whole body', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello']).complete).toBe(false);
    expect(parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n']).complete).toBe(false);
  });

  it('knows responses without a body: HEAD, 204, 304', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n'], true).complete).toBe(true);
    expect(parse(['HTTP/1.1 204 No Content\r\n\r\n']).parser.status).toBe(204);
    expect(parse(['HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n']).complete).toBe(true);
  });

  it('skips an interim 100 Continue', () => {
    const { parser, complete } = parse(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n']);
    expect(complete).toBe(true);
    expect(parser.status).toBe(503);
  });

  it('tells when the connection must close', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n']).parser.keepAlive).toBe(false);
    expect(parse(['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n']).parser.keepAlive).toBe(false);
    expect(parse(['HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n']).parser.keepAlive).toBe(true);
  });

  it('reads a body delimited by the connection closing', () => {
    const { parser, complete } = parse(['HTTP/1.1 200 OK\r\n\r\nsome body']);
    expect(complete).toBe(false);
    expect(parser.keepAlive).toBe(false);
    expect(parser.finishOnClose()).toBe(true);
    expect(parser.done).toBe(true);
  });

  it('does not complete a fixed-length response on close', () => {
    const { parser } = parse(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhel']);
    expect(parser.finishOnClose()).toBe(false);
  });

  it('honours the end index of a reused read buffer', () => {
    const parser = new HttpResponseParser();
    parser.expect(false);
    const buffer = Buffer.from(fixed + '\r\n\r\nstale bytes from an older read', 'latin1');
    expect(parser.execute(buffer, 0, 20)).toBe(-1);
    expect(parser.execute(buffer, 20, fixed.length)).toBe(fixed.length);
  });

  it('reads header names in any case, values with or without spaces, and a status line without a reason', () => {
    const { parser, complete, rest } = parse(['HTTP/1.1 202\r\nCONTENT-LENGTH:2\r\ncOnNeCtIoN:  Close \r\n\r\nokX']);
    expect(complete).toBe(true);
    expect(parser.status).toBe(202);
    expect(parser.keepAlive).toBe(false);
    expect(rest).toBe('X');
    expect(parse(['HTTP/1.1 200 OK\r\nX-Content-Length: 9\r\nContent-Length: 0\r\n\r\n']).complete).toBe(true);
  });

  it('rejects what is not HTTP/1.x', () => {
    expect(() => parse(['SSH-2.0-OpenSSH\r\n\r\n'])).toThrow(HttpProtocolError);
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'])).toThrow(/Content-Length/);
    expect(() => parse(['HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n'])).toThrow(/bad Content-Length: "1 2"/);
    expect(() => parse(['HTTP/2.0 200 OK\r\n\r\n'])).toThrow(/not an HTTP\/1.x status line: "HTTP\/2.0 200 OK"/);
    expect(() => parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'])).toThrow(/chunk size/);
    expect(() => parse(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n'])).toThrow(/longer than its size/);
  });
});
