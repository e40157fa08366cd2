import { describe, expect, it } from 'vitest';
import { encodeHttpRequest } from './http-request-encoder.ts';

describe('encodeHttpRequest', () => {
  it('encodes a GET with Host and extra headers', () => {
    const bytes = encodeHttpRequest({ method: 'GET', path: '/ready?x=1', host: '127.0.0.1:8080', headers: { Accept: 'text/plain' } });
    expect(bytes.toString('latin1')).toBe('GET /ready?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: text/plain\r\n\r\n');
  });

  it('sets Content-Length from the UTF-8 body and ignores a given one', () => {
    const bytes = encodeHttpRequest({
      method: 'POST',
      path: '/',
      host: 'h:1',
      headers: { 'content-length': '1', Connection: 'close' },
      body: 'é!',
    });
    expect(bytes.toString('utf8')).toBe('POST / HTTP/1.1\r\nHost: h:1\r\nContent-Length: 3\r\n\r\né!');
  });

  it('sends Content-Length: 0 for a POST without body and keeps a given Host', () => {
    const text = encodeHttpRequest({ method: 'POST', path: '/', host: 'h:1', headers: { host: 'example.test' } }).toString('latin1');
    expect(text).toBe('POST / HTTP/1.1\r\nhost: example.test\r\nContent-Length: 0\r\n\r\n');
  });

  it('refuses header injection and malformed parts', () => {
    expect(() => encodeHttpRequest({ method: 'GET', path: '/', host: 'h', headers: { 'X-A': 'a\r\nX-B: b' } })).toThrow(/CR, LF/);
    expect(() => encodeHttpRequest({ method: 'GET', path: '/', host: 'h', headers: { 'X A': 'a' } })).toThrow(/token/);
    expect(() => encodeHttpRequest({ method: 'GET', path: 'ready', host: 'h' })).toThrow(/path/);
    expect(() => encodeHttpRequest({ method: 'GE T', path: '/', host: 'h' })).toThrow(/method/);
  });
});
