/**
 * The network rule at dial time. A proxy's upstream is stored as given (as Toxiproxy does, which dials it only when
 * a client connects); before each dial, the upstream's host must be loopback: a loopback address or `localhost`
 * as written, or a name that every resolved address of is loopback (then the dial goes to the resolved address, so
 * a second lookup cannot answer differently). Anything else is refused before any connect. `allowNonLoopback`
 * lifts the rule (`drill toxiproxy --allow-non-loopback`, or a scenario's `allowNonLoopback: true`).
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { isLoopbackHost } from '../common/loopback.ts';
import type { HostPort } from './proxy-address.ts';

/** Every address a host name resolves to (the system resolver: /etc/hosts, then DNS). */
export type LookupAll = (hostname: string) => Promise<string[]>;

export const systemLookup: LookupAll = async (hostname) => (await dns.lookup(hostname, { all: true })).map((a) => a.address);

export interface UpstreamRule {
  allowNonLoopback: boolean;
  lookup: LookupAll;
}

/** Where to dial, or why not. */
export type UpstreamVerdict = { dial: HostPort } | { refused: string };

/** The verdict when it needs no lookup (a loopback host, an address, or the rule lifted); undefined for a name. */
export function quickVerdict(upstream: HostPort, allowNonLoopback: boolean): UpstreamVerdict | undefined {
  if (allowNonLoopback || isLoopbackHost(upstream.host)) return { dial: upstream };
  if (net.isIP(upstream.host) !== 0) return { refused: `${upstream.host} is outside loopback (127.0.0.0/8, ::1)` };
  return undefined;
}

/** The verdict for `upstream`, resolving a name when it must. Never connects. */
export async function checkUpstream(upstream: HostPort, rule: UpstreamRule): Promise<UpstreamVerdict> {
  const quick = quickVerdict(upstream, rule.allowNonLoopback);
  if (quick) return quick;
  let addresses: string[];
  try {
    addresses = await rule.lookup(upstream.host);
  } catch (error) {
    return { refused: `${upstream.host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  if (addresses.length === 0) return { refused: `${upstream.host} resolves to no address` };
  const outside = addresses.filter((address) => !isLoopbackHost(address));
  if (outside.length > 0) return { refused: `${upstream.host} resolves to ${outside.join(', ')}, outside loopback (127.0.0.0/8, ::1)` };
  return { dial: { host: addresses[0]!, port: upstream.port } };
}
