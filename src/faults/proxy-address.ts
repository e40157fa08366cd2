/**
 * `listen` and `upstream` addresses of a proxy. The network rule: proxies bind 127.0.0.1 only (anything else is
 * refused with a 400 that says so); upstreams are checked when a connection dials them (upstream-guard.ts).
 */
import { ApiError } from './api-error.ts';

export interface HostPort {
  host: string;
  /** TCP or UDP port; 0 in a listen address means "pick a free one". */
  port: number;
}

const LISTEN_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** Splits `host:port` and `[v6]:port`. Returns undefined when the text has no port. */
function split(address: string): { host: string; portText: string } | undefined {
  const bracketed = /^\[([^\]]+)\]:(\d*)$/.exec(address);
  if (bracketed) return { host: bracketed[1]!, portText: bracketed[2]! };
  const colon = address.lastIndexOf(':');
  if (colon < 0 || address.indexOf(':') !== colon) return undefined;
  return { host: address.slice(0, colon), portText: address.slice(colon + 1) };
}

function parsePort(text: string, field: string, address: string, min: number): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= min && port <= 65_535)) {
    throw ApiError.badRequest(`\`${field}\` must be host:port with a port from ${min} to 65535, got "${address}"`);
  }
  return port;
}

/** A listen address: 127.0.0.1 (or localhost, bound as 127.0.0.1); empty means 127.0.0.1:0. */
export function parseListen(listen: string | undefined): HostPort {
  if (listen === undefined || listen === '') return { host: '127.0.0.1', port: 0 };
  const parts = split(listen);
  if (!parts) throw ApiError.badRequest(`\`listen\` must be host:port, got "${listen}"`);
  if (!LISTEN_HOSTS.has(parts.host)) {
    throw ApiError.badRequest(
      `\`listen\` host must be 127.0.0.1 (or localhost): drill's fault server binds loopback only, got "${listen}"`,
    );
  }
  return { host: '127.0.0.1', port: parsePort(parts.portText, 'listen', listen, 0) };
}

/** An upstream address: any host (the loopback rule applies when a connection dials it) and a port from 1. */
export function parseUpstream(upstream: string): HostPort {
  const parts = split(upstream);
  if (!parts || parts.host === '') throw ApiError.badRequest(`\`upstream\` must be host:port, got "${upstream}"`);
  return { host: parts.host, port: parsePort(parts.portText, 'upstream', upstream, 1) };
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
