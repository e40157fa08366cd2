import { describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_COUNT, clientAddress, controlPlaneRelayEndpoint } from './client-address-pool.ts';

describe('client addresses', () => {
  it('starts at 127.0.1.1, skips the 127.0.2.0/24 block and never uses .0 or .255', () => {
    expect(clientAddress(0)).toBe('127.0.1.1');
    expect(clientAddress(253)).toBe('127.0.1.254');
    expect(clientAddress(254)).toBe('127.0.3.1');
    const seen = new Set<string>();
    const misplaced: string[] = [];
    for (let i = 0; i < CLIENT_ADDRESS_COUNT; i++) {
      const address = clientAddress(i);
      seen.add(address);
      const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
      if (a !== 127 || b !== 0 || c === 2 || d < 1 || d > 254) misplaced.push(address);
    }
    expect(seen.size).toBe(CLIENT_ADDRESS_COUNT);
    expect(misplaced).toEqual([]);
    expect(clientAddress(CLIENT_ADDRESS_COUNT)).toBe('127.0.1.1');
  });

  it('gives control-plane relays endpoints none of which is a prefix of another', () => {
    const endpoints = Array.from({ length: 10 }, (_, i) => controlPlaneRelayEndpoint(i));
    expect(endpoints[0]).toBe('127.0.2.101:4000');
    for (const a of endpoints) {
      const ip = a.replace(/:\d+$/, '');
      expect(endpoints.filter((b) => b.startsWith(ip))).toEqual([a]);
    }
    expect(() => controlPlaneRelayEndpoint(99)).toThrow(RangeError);
  });
});
