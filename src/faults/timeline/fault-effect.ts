/**
 * Turns a scenario fault into what the fault server is asked to do (toxics, or a disabled proxy), and judges
 * whether a measured effect shows it took hold.
 */
import type { FaultSpec } from '../../scenario/faults-schema.ts';
import type { ToxicDefinition } from '../toxiproxy-control.ts';
import type { ToxicType } from '../toxic-types.ts';

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
  reason: string;
}

/** TCP link, HTTP probes: added latency or failed requests as the fault type predicts. */
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
      return afterMs !== null || failures.length > 0
        ? { verified: true, reason: `probe ${afterMs === null ? `failed (${failures[0]})` : `took ${afterMs.toFixed(1)} ms`}` }
        : { verified: false, reason: 'no probe result' };
  }
}

/** UDP link, twin probe: loss, latency or silence as the fault type predicts. */
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
      return { verified: result.received > 0, reason: `${result.received}/${result.sent} datagrams came back, median RTT ${result.medianRttMs?.toFixed(1) ?? '–'} ms` };
  }
}
