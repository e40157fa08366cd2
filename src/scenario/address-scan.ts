/**
 * Finds network addresses written inside free text (an `env` value, a `command` argument), for the loopback rule.
 *
 * Two forms count as addresses:
 *  - a URL `scheme://host[:port]…` with a network host (not `file:`, `unix:` or `sqlite:`);
 *  - `host:port` where host is an IPv4 literal, a bracketed IPv6 literal or a dotted host name ending in a label
 *    with a letter (`api.example.com:443`), and port is a number up to 65535 or a `${…}` template.
 * Other text is left alone, so version strings (`1.4.0`), phone numbers (`+15550000001`), times (`10:30:00`),
 * ratios (`16:9`) and `key:value` words are not taken for addresses. A bare name such as `redis:6379` is not
 * recognised outside a URL. Hosts written as templates (`${links.bridge.http}`) are filled in by drill with
 * loopback addresses and are skipped.
 */
import net from 'node:net';

export interface FoundAddress {
  /** The address as written: the URL up to its path, or `host:port`. */
  text: string;
  /** Host name or IP literal, lower case, without brackets. */
  host: string;
}

const URL_PATTERN = /\b([a-z][a-z0-9+.-]*):\/\/([^\s/?#"'<>,;]*)/gi;
const HOST_PORT_PATTERN =
  /(?<![\w.\-:\]{$/])(\[[0-9a-f:.]+\]|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?):(\d{1,5}|\$\{[^}]*\})(?![\w.:])/gi;
const LOCAL_SCHEMES = new Set(['file', 'unix', 'sqlite', 'sqlite3']);
const MAX_PORT = 65_535;

export function findAddresses(text: string): FoundAddress[] {
  const found: FoundAddress[] = [];
  // URLs first; their text is blanked so their host:port is not found twice.
  const rest = text.replace(URL_PATTERN, (match: string, scheme: string, authority: string) => {
    const host = urlHost(authority);
    if (host && !LOCAL_SCHEMES.has(scheme.toLowerCase())) found.push({ text: match, host });
    return ' '.repeat(match.length);
  });
  for (const match of rest.matchAll(HOST_PORT_PATTERN)) {
    const [whole, hostText, port] = match as unknown as [string, string, string];
    if (!port.startsWith('$') && Number(port) > MAX_PORT) continue;
    const host = hostText.replace(/^\[|\]$/g, '').toLowerCase();
    if (isAddressHost(host, hostText.startsWith('['))) found.push({ text: whole, host });
  }
  return found;
}

/** The host of a URL authority (`user@host:port`), or undefined when it is empty or a template. */
function urlHost(authority: string): string | undefined {
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const host = hostPort.startsWith('[') ? hostPort.slice(1, hostPort.indexOf(']')) : hostPort.split(':')[0]!;
  return host === '' || host.includes('$') ? undefined : host.toLowerCase();
}

function isAddressHost(host: string, bracketed: boolean): boolean {
  if (bracketed) return net.isIPv6(host);
  if (net.isIPv4(host)) return true;
  return /[a-z]/.test(host.slice(host.lastIndexOf('.') + 1));
}
