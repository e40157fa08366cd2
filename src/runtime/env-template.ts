/**
 * Expands `${...}` templates in service env values and command arguments:
 * `${ports.NAME}` (this service's port number), `${links.SERVICE.PORT}` (host:port at which this service reaches
 * SERVICE's named port, through the fault proxy when the link is proxied), `${target.PORT}` (the same for the
 * target of the link being applied), `${release}`, `${dataDir}`, `${service}`. A `.host` or `.port` suffix on a
 * link or target (`${links.redis.redis.port}`) gives that part of the host:port alone.
 */
export interface TemplateValues {
  ports: Record<string, number>;
  links: Record<string, Record<string, string>>;
  target?: Record<string, string>;
  release: string;
  dataDir: string;
  service: string;
}

const TEMPLATE = /\$\{([^}]+)\}/g;

/** Returns the expanded text, or a message naming the first template that does not resolve. */
export function expandTemplate(text: string, values: TemplateValues): { value: string } | { error: string } {
  let error: string | undefined;
  const value = text.replace(TEMPLATE, (whole, expression: string) => {
    const resolved = resolve(expression.trim().split('.'), values);
    if (resolved === undefined) error ??= `cannot resolve ${whole}: ${explain(expression.trim().split('.'), values)}`;
    return resolved ?? whole;
  });
  return error ? { error } : { value };
}

function resolve(parts: string[], values: TemplateValues): string | undefined {
  const [head, a, b] = parts;
  switch (head) {
    case 'ports':
      return parts.length === 2 && values.ports[a!] !== undefined ? String(values.ports[a!]) : undefined;
    case 'links':
      if (parts.length === 4) return partOf(values.links[a!]?.[b!], parts[3]!);
      return parts.length === 3 ? values.links[a!]?.[b!] : undefined;
    case 'target':
      if (parts.length === 3) return partOf(values.target?.[a!], b!);
      return parts.length === 2 ? values.target?.[a!] : undefined;
    case 'release':
    case 'dataDir':
    case 'service':
      return parts.length === 1 ? values[head] : undefined;
    default:
      return undefined;
  }
}

/** `host` or `port` of a `host:port` (an IPv6 host keeps its colons). */
function partOf(hostPort: string | undefined, part: string): string | undefined {
  const colon = hostPort?.lastIndexOf(':') ?? -1;
  if (hostPort === undefined || colon < 0) return undefined;
  if (part === 'host') return hostPort.slice(0, colon);
  return part === 'port' ? hostPort.slice(colon + 1) : undefined;
}

function explain(parts: string[], values: TemplateValues): string {
  const [head, a] = parts;
  if (head === 'ports') return `this service has ports ${Object.keys(values.ports).join(', ') || '(none)'}`;
  if (head === 'links') {
    const linked = Object.keys(values.links);
    if (!a || !values.links[a]) return linked.length ? `this service links to ${linked.join(', ')}` : 'this service has no links; add one under `links:`';
    return `${a} has ports ${Object.keys(values.links[a]!).join(', ')}`;
  }
  return 'known templates are ${ports.NAME}, ${links.SERVICE.PORT}, ${release}, ${dataDir}, ${service}';
}
