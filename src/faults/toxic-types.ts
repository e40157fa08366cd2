/**
 * The Toxiproxy v2 wire shapes (proxies and toxics) and the toxic types drill's embedded server knows.
 * TCP toxic types and their attributes are Toxiproxy's; UDP proxies and the `loss`, `duplicate` and `reorder`
 * toxics are drill extensions that a stock Toxiproxy rejects.
 */

/** `upstream`: client→server traffic; `downstream`: server→client traffic (Toxiproxy's default). */
export type ToxicStream = 'upstream' | 'downstream';
export const TOXIC_STREAMS: readonly ToxicStream[] = ['upstream', 'downstream'];

/** `tcp` is Toxiproxy's only kind; `udp` is a drill extension. */
export type ProxyProtocol = 'tcp' | 'udp';

/** Toxiproxy's TCP toxics, plus `loss` (a drill extension: retransmission stalls, see tcp/loss-stage.ts). */
export const TCP_TOXIC_TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data', 'loss'] as const;
export const UDP_TOXIC_TYPES = ['latency', 'bandwidth', 'loss', 'duplicate', 'reorder'] as const;
export type TcpToxicType = (typeof TCP_TOXIC_TYPES)[number];
export type UdpToxicType = (typeof UDP_TOXIC_TYPES)[number];
export type ToxicType = TcpToxicType | UdpToxicType;

/** Toxic types only drill understands; a stock Toxiproxy answers 400 "invalid toxic type". */
export const DRILL_ONLY_TOXIC_TYPES: readonly ToxicType[] = ['loss', 'duplicate', 'reorder'];

/** Attribute values by name; units depend on the type (see `toxic-attributes.ts`). */
export type ToxicAttributes = Record<string, number>;

/** A toxic as the API shows it. */
export interface ToxicJson {
  name: string;
  type: ToxicType;
  stream: ToxicStream;
  /** Share of connections (TCP, decided once per connection) or datagrams (UDP) affected, 0..1. */
  toxicity: number;
  attributes: ToxicAttributes;
}

/** A proxy as the API shows it. `protocol` appears only on UDP proxies, so TCP proxies look exactly like Toxiproxy's. */
export interface ProxyJson {
  name: string;
  /** `host:port` the proxy listens on; after start the real port, also when `0` was asked for. */
  listen: string;
  /** `host:port` of the service behind the proxy (loopback only). */
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
  protocol?: 'udp';
}

export function isToxicType(value: unknown): value is ToxicType {
  return typeof value === 'string' && ((TCP_TOXIC_TYPES as readonly string[]).includes(value) || (UDP_TOXIC_TYPES as readonly string[]).includes(value));
}

export function supportsToxic(protocol: ProxyProtocol, type: ToxicType): boolean {
  const allowed: readonly string[] = protocol === 'tcp' ? TCP_TOXIC_TYPES : UDP_TOXIC_TYPES;
  return allowed.includes(type);
}
