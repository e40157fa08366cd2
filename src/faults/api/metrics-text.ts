/**
 * GET /metrics in the Prometheus text format: Toxiproxy's byte counters per proxy and direction
 * (`toxiproxy_proxy_received_bytes_total`, `toxiproxy_proxy_sent_bytes_total`), plus drill's connection and
 * datagram counters.
 */
import type { FaultProxy } from '../fault-proxy.ts';
import type { DirectionCounters } from '../proxy-metrics.ts';
import { TOXIC_STREAMS } from '../toxic-types.ts';

interface Family {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  perDirection?: keyof DirectionCounters;
  perProxy?: (proxy: FaultProxy) => number;
  udpOnly?: boolean;
}

const FAMILIES: Family[] = [
  { name: 'toxiproxy_proxy_received_bytes_total', type: 'counter', help: 'Bytes the proxy read, per direction.', perDirection: 'receivedBytes' },
  { name: 'toxiproxy_proxy_sent_bytes_total', type: 'counter', help: 'Bytes the proxy wrote, per direction.', perDirection: 'sentBytes' },
  { name: 'drill_proxy_connections_total', type: 'counter', help: 'Connections accepted (TCP) or sessions opened (UDP).', perProxy: (p) => p.metrics.connectionsTotal },
  { name: 'drill_proxy_refused_connections_total', type: 'counter', help: 'Connections (TCP) or sessions (UDP) refused: the upstream is outside loopback.', perProxy: (p) => p.metrics.refusedConnections },
  { name: 'drill_proxy_open_connections', type: 'gauge', help: 'Connections (TCP) or sessions (UDP) open now.', perProxy: (p) => p.metrics.openConnections },
  { name: 'drill_proxy_received_datagrams_total', type: 'counter', help: 'Datagrams read, per direction (UDP).', perDirection: 'receivedDatagrams', udpOnly: true },
  { name: 'drill_proxy_sent_datagrams_total', type: 'counter', help: 'Datagrams written, per direction (UDP).', perDirection: 'sentDatagrams', udpOnly: true },
  { name: 'drill_proxy_dropped_datagrams_total', type: 'counter', help: 'Datagrams dropped by a toxic or a full queue, per direction (UDP).', perDirection: 'droppedDatagrams', udpOnly: true },
];

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(values: Record<string, string>): string {
  return `{${Object.entries(values).map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
}

export function renderMetrics(proxies: FaultProxy[]): string {
  const lines: string[] = [];
  for (const family of FAMILIES) {
    const selected = family.udpOnly ? proxies.filter((p) => p.protocol === 'udp') : proxies;
    if (selected.length === 0) continue;
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const proxy of selected) {
      const base = { proxy: proxy.name, listener: proxy.listen, upstream: proxy.upstream };
      if (family.perProxy) lines.push(`${family.name}${labels({ ...base, protocol: proxy.protocol })} ${family.perProxy(proxy)}`);
      const field = family.perDirection;
      if (!field) continue;
      for (const direction of TOXIC_STREAMS) {
        lines.push(`${family.name}${labels({ direction, ...base })} ${proxy.metrics.direction(direction)[field]}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
