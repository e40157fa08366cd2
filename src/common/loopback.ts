/**
 * The network rule: load and faults target only loopback unless a scenario opts in explicitly.
 */
import net from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  // `::ffff:7f00:1` is how the WHATWG URL parser writes the mapped ::ffff:127.0.0.1.
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:(?:127\.|7f[0-9a-f]{2}:)/i.test(bare);
  return false;
}

/** Host part of a URL or `host:port` address. */
export function hostOf(address: string): string {
  if (address.includes('://')) return new URL(address).hostname;
  const bracketed = /^\[([^\]]+)\]/.exec(address);
  if (bracketed) return bracketed[1]!;
  const lastColon = address.lastIndexOf(':');
  return lastColon > 0 && address.indexOf(':') === lastColon ? address.slice(0, lastColon) : address;
}
