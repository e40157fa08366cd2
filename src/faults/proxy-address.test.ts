import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { formatHostPort, parseListen, parseUpstream } from './proxy-address.ts';

describe('parseListen', () => {
  it('accepts 127.0.0.1 and localhost (bound as 127.0.0.1), and defaults to a free loopback port', () => {
    expect(parseListen('127.0.0.1:8474')).toEqual({ host: '127.0.0.1', port: 8474 });
    expect(parseListen('localhost:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListen(undefined)).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it.each(['0.0.0.0:80', ':8080', '192.168.1.2:80', '[::]:80', '127.0.0.1', '127.0.0.1:70000', '127.0.0.1:x'])('refuses %s with a 400', (listen) => {
    expect(() => parseListen(listen)).toThrow(ApiError);
    try {
      parseListen(listen);
    } catch (error) {
      expect((error as ApiError).status).toBe(400);
    }
  });
});

describe('parseUpstream', () => {
  it('accepts any host, as Toxiproxy does (the loopback rule applies at dial time)', () => {
    expect(parseUpstream('127.0.0.1:5432')).toEqual({ host: '127.0.0.1', port: 5432 });
    expect(parseUpstream('somehost:12345')).toEqual({ host: 'somehost', port: 12345 });
    expect(parseUpstream('10.0.0.1:80')).toEqual({ host: '10.0.0.1', port: 80 });
    expect(parseUpstream('localhost:6379')).toEqual({ host: 'localhost', port: 6379 });
    expect(parseUpstream('[::1]:80')).toEqual({ host: '::1', port: 80 });
  });

  it.each([':80', '127.0.0.1:0', '127.0.0.1', 'a:b:80'])('refuses %s', (upstream) => {
    expect(() => parseUpstream(upstream)).toThrow(/upstream/);
  });
});

describe('formatHostPort', () => {
  it('brackets IPv6 hosts', () => {
    expect(formatHostPort({ host: '::1', port: 80 })).toBe('[::1]:80');
    expect(formatHostPort({ host: '127.0.0.1', port: 80 })).toBe('127.0.0.1:80');
  });
});
