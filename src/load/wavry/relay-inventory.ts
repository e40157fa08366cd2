/** The master's relay registry as gauges: assignable, draining and quarantined relays, and heartbeat age. */
import type { RelayListEntry } from '../../wire/wavry.ts';

/** A relay the master can assign: seen within 120 s and in a state selection accepts. */
const FRESH_MS = 120_000;
const ASSIGNABLE = new Set(['New', 'Probation', 'Active', 'Degraded']);

export interface RelayInventory {
  assignable: number;
  draining: number;
  quarantined: number;
  /** Largest last_seen_ms_ago, ms. */
  heartbeatAgeMs: number;
}

export async function readRelayInventory(masterUrl: string, excludeIds: ReadonlySet<string> = new Set()): Promise<RelayInventory | undefined> {
  try {
    const response = await fetch(`${masterUrl}/v1/relays`, { signal: AbortSignal.timeout(1_000) });
    if (!response.ok) return undefined;
    const relays = ((await response.json()) as RelayListEntry[]).filter((r) => !excludeIds.has(r.relay_id));
    return {
      assignable: relays.filter((r) => r.last_seen_ms_ago <= FRESH_MS && ASSIGNABLE.has(r.state)).length,
      draining: relays.filter((r) => r.state === 'Draining').length,
      quarantined: relays.filter((r) => r.state === 'Quarantined').length,
      heartbeatAgeMs: Math.max(0, ...relays.map((r) => r.last_seen_ms_ago)),
    };
  } catch {
    return undefined; // a master that is down answers nothing; the gauges keep their last values
  }
}
