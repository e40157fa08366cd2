/**
 * Turns a scenario fault into what the fault server is asked to do (toxics, or a disabled proxy), and judges
 * whether it took hold: by a measured effect where a probe can see one (`measurable`), otherwise by reading the
 * proxy back from the server ("accepted by server").
 */
import type { FaultSpec } from '../../scenario/faults-schema.ts';
import { roundIntegerAttributes } from '../toxic-attributes.ts';
import type { ToxiproxyControl, ToxicDefinition } from '../toxiproxy-control.ts';
import type { ProxyJson, ProxyProtocol, ToxicType } from '../toxic-types.ts';

const ATTRIBUTES: Record<Exclude<FaultSpec['type'], 'partition'>, string[]> = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  slow_close: ['delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['average_size', 'size_variation', 'delay'],
  limit_data: ['bytes'],
  loss: ['probability', 'correlation', 'rto'],
  duplicate: ['probability'],
  reorder: ['probability', 'delay'],
};

/** The toxic a fault adds, with the ramp's starting value in place; undefined for a partition. */
export function toxicOf(fault: FaultSpec, name: string): ToxicDefinition | undefined {
  if (fault.type === 'partition') return undefined;
  const attributes: Record<string, number> = {};
  for (const key of ATTRIBUTES[fault.type]) {
    const value = (fault as unknown as Record<string, unknown>)[key];
    if (typeof value === 'number') attributes[key] = value;
  }
  if ('ramp' in fault && fault.ramp) attributes[fault.ramp.attribute] = fault.ramp.from;
  return {
    type: fault.type as ToxicType,
    name,
    stream: fault.stream ?? 'downstream',
    toxicity: fault.toxicity ?? 1,
    attributes,
  };
}

export function describeFault(fault: FaultSpec): string {
  const stream = fault.type === 'partition' ? '' : ` ${fault.stream ?? 'downstream'}`;
  const toxicity = fault.toxicity !== undefined && fault.toxicity < 1 ? ` toxicity ${fault.toxicity}` : '';
  const attributes = fault.type === 'partition' ? '' : ` ${JSON.stringify(toxicOf(fault, '')!.attributes)}`;
  const ramp = 'ramp' in fault && fault.ramp ? ` ramp ${fault.ramp.attribute} ${fault.ramp.from}→${fault.ramp.to}` : '';
  const span = fault.for ? ` for ${fault.for / 1_000} s` : ' until the end';
  return `${fault.type}${attributes}${stream}${toxicity}${ramp}${span}`;
}

export interface Verdict {
  verified: boolean;
  /** A measured figure ("added 301.2 ms, expected …") or, when none can be measured, "accepted by server: …". */
  reason: string;
  /** The measured effect; absent when the verdict rests on the server's read-back. */
  measured?: Record<string, number>;
}

/**
 * Whether a probe can measure the fault's effect on a link: on UDP (twin probe) partition, loss and latency; on
 * TCP with an HTTP probe path, partition, reset_peer, timeout and latency. The rest (bandwidth, slicer, slow_close,
 * limit_data, TCP loss, duplicate, reorder) are verified by reading the toxic back from the server.
 */
export function measurable(fault: FaultSpec, protocol: ProxyProtocol, hasHttpProbe: boolean): boolean {
  if (protocol === 'udp') return fault.type === 'partition' || fault.type === 'loss' || fault.type === 'latency';
  return hasHttpProbe && ['partition', 'reset_peer', 'timeout', 'latency'].includes(fault.type);
}

/**
 * The server's account of a link: the toxic is on the proxy with the type, stream, toxicity and attributes asked
 * for (integer attributes as sent, rounded), or the proxy is disabled for a partition. Shows the server accepted
 * the fault, not that traffic felt it.
 */
export function judgeReadBack(expected: ToxicDefinition | undefined, proxy: ProxyJson): Verdict {
  if (!expected) {
    return proxy.enabled ? { verified: false, reason: `proxy ${proxy.name} is still enabled` } : { verified: true, reason: `accepted by server: proxy ${proxy.name} disabled` };
  }
  const name = expected.name!;
  const found = proxy.toxics.find((t) => t.name === name);
  if (!found) return { verified: false, reason: `toxic ${name} is not on proxy ${proxy.name}` };
  const differs = (a: number | undefined, b: number) => a === undefined || Math.abs(a - b) > 1e-6;
  const differences = [
    ...(found.type === expected.type ? [] : [`type ${found.type}`]),
    ...(found.stream === (expected.stream ?? 'downstream') ? [] : [`stream ${found.stream}`]),
    ...(differs(found.toxicity, expected.toxicity ?? 1) ? [`toxicity ${found.toxicity}`] : []),
    ...Object.entries(roundIntegerAttributes(expected.type, expected.attributes))
      .filter(([key, value]) => differs(found.attributes[key], value))
      .map(([key, value]) => `${key} ${found.attributes[key] ?? 'missing'} (asked ${value})`),
  ];
  return differences.length === 0
    ? { verified: true, reason: `accepted by server: ${name} read back with ${JSON.stringify(found.attributes)}` }
    : { verified: false, reason: `the server holds ${name} with ${differences.join(', ')}` };
}

/** Reads the link's proxy back and judges it (see `judgeReadBack`). */
export async function verifyByReadBack(control: ToxiproxyControl, proxyName: string, expected: ToxicDefinition | undefined): Promise<Verdict> {
  return judgeReadBack(expected, await control.getProxy(proxyName));
}

/** TCP link, HTTP probes: added latency or failed requests as the fault type predicts (the `measurable` types). */
export function judgeTcp(fault: FaultSpec, baselineMs: number | null, afterMs: number | null, failures: string[], probes: number): Verdict {
  const partial = (fault.toxicity ?? 1) < 1;
  switch (fault.type) {
    case 'partition':
    case 'reset_peer':
      return failures.length === probes ? { verified: true, reason: `${probes}/${probes} probes failed (${failures[0]})` } : { verified: partial, reason: `${probes - failures.length}/${probes} probes still answered` };
    case 'timeout':
      return failures.length === probes ? { verified: true, reason: `probes got no answer (${failures[0]})` } : { verified: partial, reason: `${probes - failures.length}/${probes} probes still answered` };
    case 'latency': {
      const expected = (fault.ramp?.attribute === 'latency' ? fault.ramp.from : fault.latency) ?? 0;
      if (afterMs === null || baselineMs === null) return { verified: false, reason: `probes failed (${failures[0] ?? 'no baseline'})` };
      const added = afterMs - baselineMs;
      const slack = fault.jitter + Math.max(5, expected * 0.25);
      const ok = expected < 5 || partial || Math.abs(added - expected) <= slack;
      return { verified: ok, reason: `added ${added.toFixed(1)} ms, expected ${expected} ± ${slack.toFixed(0)} ms` };
    }
    default:
      return { verified: false, reason: `a probe cannot measure ${fault.type}; it is verified by reading it back from the server` };
  }
}

/** UDP link, twin probe: loss, latency or silence as the fault type predicts (the `measurable` types). */
export function judgeUdp(fault: FaultSpec, result: { sent: number; received: number; loss: number; medianRttMs: number | null }, baselineRttMs: number): Verdict {
  const toxicity = fault.toxicity ?? 1;
  switch (fault.type) {
    case 'partition':
      return { verified: result.received === 0, reason: `${result.received}/${result.sent} datagrams came back` };
    case 'loss': {
      const p = (fault.ramp?.attribute === 'probability' ? fault.ramp.from : fault.probability) * toxicity;
      // Binomial spread of the measured rate plus room for burst correlation.
      const slack = 4 * Math.sqrt((p * (1 - p)) / result.sent) * (1 + 4 * fault.correlation) + 0.02;
      return { verified: Math.abs(result.loss - p) <= slack, reason: `loss ${(result.loss * 100).toFixed(1)} %, expected ${(p * 100).toFixed(1)} ± ${(slack * 100).toFixed(1)} points over ${result.sent} datagrams` };
    }
    case 'latency': {
      const expected = fault.ramp?.attribute === 'latency' ? fault.ramp.from : fault.latency;
      if (result.medianRttMs === null) return { verified: false, reason: 'no datagram came back' };
      const added = result.medianRttMs - baselineRttMs;
      const slack = fault.jitter + Math.max(5, expected * 0.25);
      return { verified: expected < 5 || Math.abs(added - expected) <= slack, reason: `added ${added.toFixed(1)} ms, expected ${expected} ± ${slack.toFixed(0)} ms` };
    }
    default:
      return { verified: false, reason: `a probe cannot measure ${fault.type}; it is verified by reading it back from the server` };
  }
}
