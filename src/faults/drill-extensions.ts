/**
 * Which parts of a fault setup need drill's extensions to the Toxiproxy API (UDP proxies and the loss, duplicate
 * and reorder toxics), and what GET /version says about a server. Pure, for the control wrapper and scenario checks.
 */
import { DRILL_ONLY_TOXIC_TYPES, type ProxyProtocol, type ToxicType } from './toxic-types.ts';

/** What a scenario asks of the fault server. */
export interface FaultRequirements {
  proxies?: readonly { name: string; protocol?: ProxyProtocol }[];
  toxics?: readonly { proxy: string; type: ToxicType | string }[];
}

export interface ToxiproxyServerInfo {
  /** Version as the server reports it, e.g. "2.12.0" or "2.12.0+drill". */
  version: string;
  /** True for drill's embedded server (it lists its extensions). */
  drill: boolean;
  /** Drill extensions the server supports, e.g. ["udp"]; empty for a stock Toxiproxy. */
  extensions: string[];
}

/** One line per proxy or toxic that only drill's server can serve; empty when a stock Toxiproxy will do. */
export function drillExtensionsNeeded(requirements: FaultRequirements): string[] {
  const needs: string[] = [];
  for (const proxy of requirements.proxies ?? []) {
    if (proxy.protocol === 'udp') needs.push(`UDP proxy ${proxy.name}`);
  }
  for (const toxic of requirements.toxics ?? []) {
    if ((DRILL_ONLY_TOXIC_TYPES as readonly string[]).includes(toxic.type)) needs.push(`${toxic.type} toxic on ${toxic.proxy}`);
  }
  return needs;
}

/** Reads GET /version: `{"version": "..."}` (Toxiproxy ≥ 2.5, plus `drill` on drill's server) or plain text (older). */
export function parseServerInfo(text: string): ToxiproxyServerInfo {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { version: text.trim(), drill: false, extensions: [] };
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const version = typeof record['version'] === 'string' ? record['version'] : text.trim();
  const drill = record['drill'] as { extensions?: unknown } | undefined;
  const extensions = Array.isArray(drill?.extensions) ? drill.extensions.filter((e): e is string => typeof e === 'string') : [];
  return { version, drill: drill !== undefined, extensions };
}

export function unsupportedMessage(url: string, info: ToxiproxyServerInfo, needs: string[]): string {
  return (
    `The fault setup needs drill's extensions to the Toxiproxy API (${needs.join('; ')}), but the server at ${url} ` +
    `is a stock Toxiproxy ${info.version}, which has TCP proxies and TCP toxics only. ` +
    'Use the embedded server (faults.server: embedded) or run `drill toxiproxy --port 8474` in its place.'
  );
}
