/**
 * Finds network addresses written inside free text (an `env` value, a `command` argument), for the loopback rule.
 *
 * Three forms count as addresses:
 *  - a URL `scheme://host[:port]…` with a network host (not `file:`, `unix:` or `sqlite:`);
 *  - a scheme-relative `//host[:port]…`;
 *  - `host:port` where host is an IP address in any form the WHATWG URL parser reads (`10.0.0.5`, `10.1`,
 *    `0x0a000001`, `167772161`, `012.0.0.1`, `[::1]`, `[fe80::1%eth0]`) or a dotted host name ending in a label
 *    with a letter (`api.example.com:443`), and port is a number up to 65535 or a `${…}` template.
 * Other text is left alone, so version strings (`1.4.0`), phone numbers (`+15550000001`), times (`10:30:00`),
 * ratios (`16:9`) and `key:value` words are not taken for addresses. A bare name such as `redis:6379` is not
 * recognised outside a URL. Hosts written as templates (`${links.bridge.http}`) are skipped: drill checks the
 * value again once templates are expanded.
 *
 * Where an address goes is decided by the WHATWG URL parser, the one Node's clients dial with, and, for URLs,
 * also by a plain RFC 3986 reading (authority up to the first `/`, host after the last `@`) as other clients
 * read it, and with and without the tabs and newlines WHATWG drops: every host any reading reaches is reported.
 */
export interface FoundAddress {
  /** The address as written: the URL up to its path, or `host:port`. */
  text: string;
  /** Host a client dials: a host name or IP address, lower case, without brackets ('' when `problem` is set). */
  host: string;
  /** Set when the text looks like an address but no host can be read from it: refuse it, it cannot be checked. */
  problem?: string;
}

const SCHEME = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*):\/\//gi;
const SCHEME_RELATIVE = /(?<![\w:/.\\])\/\/(?=[^\s/])/g;
const URL_END = /[\s"'<>,;]/;
const HOST_PORT_PATTERN =
  /(?<![\w.\-:\]{$/])(\[[^\]\s/]+\]|0x[0-9a-f]+|\d+(?:\.(?:0x[0-9a-f]+|\d+)){0,3}|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?):(\d{1,5}|\$\{[^}]*\})(?![\w.:])/gi;
const NUMERIC_HOST = /^(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}$/i;
const TEMPLATE = /\$\{[^}]*\}/g;
const LOCAL_SCHEMES = new Set(['file', 'unix', 'sqlite', 'sqlite3']);
const MAX_PORT = 65_535;
/** A lone number below 2^24 reads as 0.x.x.x, which no connection leaves the machine for: `16:9` is a ratio. */
const SMALLEST_REMOTE_NUMBER = 16_777_216;

export function findAddresses(text: string): FoundAddress[] {
  const found: FoundAddress[] = [];
  // URLs first; their text is blanked so their host:port is not found twice.
  let rest = text;
  for (const match of [...text.matchAll(SCHEME), ...text.matchAll(SCHEME_RELATIVE)]) {
    const scheme = match[1]?.toLowerCase();
    const start = match.index;
    const end = endOfUrl(text, start);
    rest = rest.slice(0, start) + ' '.repeat(end - start) + rest.slice(end);
    if (scheme && LOCAL_SCHEMES.has(scheme)) continue;
    found.push(...urlHosts(text.slice(start), scheme ? '' : 'http:', text.slice(start, end)));
  }
  for (const match of rest.matchAll(HOST_PORT_PATTERN)) {
    const [whole, hostText, port] = match as unknown as [string, string, string];
    if (!port.startsWith('$') && Number(port) > MAX_PORT) continue;
    if (/^\d+$/.test(hostText) && Number(hostText) < SMALLEST_REMOTE_NUMBER) continue;
    // A dotted name counts when its last label has a letter (`api.example.com`), not a version (`v1.4.0`).
    const named = !hostText.startsWith('[') && !NUMERIC_HOST.test(hostText);
    if (named && !/[a-z]/i.test(hostText.slice(hostText.lastIndexOf('.') + 1))) continue;
    const host = whatwgHost(`http://${hostText}:${port.startsWith('$') ? '1' : port}`);
    found.push(host === undefined ? { text: whole, host: '', problem: `"${whole}" is not an address drill can read` } : { text: whole, host });
  }
  return found;
}

function endOfUrl(text: string, start: number): number {
  const end = text.slice(start).search(URL_END);
  return end < 0 ? text.length : start + end;
}

/** Every host the URL at the start of `from` reaches under the readings described above. */
function urlHosts(from: string, prefix: string, written: string): FoundAddress[] {
  const strict = from.split(URL_END)[0]!;
  const readings = [strict, from.split(/[ "'<>,;\n]/)[0]!.replace(/[\t\r]/g, ''), from.split(/[ "'<>,;]/)[0]!.replace(/[\t\r\n]/g, '')];
  const authority = strict.slice(strict.indexOf('//') + 2).split(/[/?#]/)[0]!;
  const rfcHost = authority.slice(authority.lastIndexOf('@') + 1);
  const bare = rfcHost.startsWith('[') ? rfcHost.slice(1, rfcHost.indexOf(']')) : rfcHost.split(':')[0]!;
  if (bare === '' || bare.includes('$')) return [];
  const hosts = new Set<string>();
  readings.forEach((reading, i) => {
    const host = whatwgHost(prefix + reading.replace(TEMPLATE, '1'));
    if (host !== undefined) hosts.add(host);
    // The reading as written must parse; the others (tabs or newlines removed) only add what they reach.
    else if (i === 0) hosts.add('');
  });
  hosts.add(bare.toLowerCase());
  return [...hosts].map((host) =>
    host === '' ? { text: written, host, problem: `"${written}" is not a URL drill can read, so where it leads cannot be checked` } : { text: written, host },
  );
}

function whatwgHost(url: string): string | undefined {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return host === '' ? undefined : host.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}
