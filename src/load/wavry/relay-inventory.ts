/**
 * A sample of the relay fleet: the master's registry (`/health` for the assignable count, `/v1/relays` for
 * the count in each state and heartbeat ages, the control-plane relays left out) and the relays' own counters
 * (`/metrics`). Whatever does not answer within a second is null in the sample.
 */
import { RELAY_STATES, type MasterHealth, type RelayCounters, type RelayListEntry, type RelayState } from '../../wire/wavry.ts';
import type { MasterApi } from './master-api.ts';

const SCRAPE_TIMEOUT_MS = 1_000;

export interface RelayRegistrySummary {
  /** Relays in each state, every state present (0 when none). */
  byState: Record<RelayState, number>;
  /** Largest `last_seen_ms_ago`, ms; null with no relay registered. */
  heartbeatAgeMs: number | null;
}

export interface InventorySample {
  /** Relays the master can assign (its own count). */
  assignable: number | null;
  registry: RelayRegistrySummary | null;
  /** Sums over the relays that answered. */
  relays: { forwarded: number; dropped: number; leaseRejects: number } | null;
}

/** The gauge of a relay state: `relays_draining` for Draining. */
export const relayStateGauge = (state: string) => `relays_${state.toLowerCase()}`;

export function summarizeRegistry(list: readonly RelayListEntry[], ignore: ReadonlySet<string>): RelayRegistrySummary {
  const relays = list.filter((relay) => !ignore.has(relay.relay_id));
  const byState = Object.fromEntries(RELAY_STATES.map((state) => [state, 0])) as Record<RelayState, number>;
  for (const relay of relays) if (relay.state in byState) byState[relay.state] += 1;
  return {
    byState,
    heartbeatAgeMs: relays.length ? Math.max(...relays.map((relay) => relay.last_seen_ms_ago)) : null,
  };
}

async function relayCounters(healthUrl: string): Promise<RelayCounters | undefined> {
  try {
    const response = await fetch(`${healthUrl}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    return response.ok ? ((await response.json()) as RelayCounters) : undefined;
  } catch {
    return undefined; // a relay that is down or restarting: the sample says so with nulls
  }
}

export async function sampleInventory(
  master: MasterApi,
  relayHealthUrls: readonly string[],
  ignore: ReadonlySet<string>,
): Promise<InventorySample> {
  const [health, list, counters] = await Promise.all([
    master.get('/health'),
    master.get('/v1/relays'),
    Promise.all(relayHealthUrls.map(relayCounters)),
  ]);
  const answered = counters.filter((c) => c !== undefined);
  const sum = (pick: (c: RelayCounters) => number) => answered.reduce((total, c) => total + pick(c), 0);
  return {
    assignable: health.status === 200 ? ((health.body as MasterHealth).relays_assignable ?? null) : null,
    registry: list.status === 200 && Array.isArray(list.body) ? summarizeRegistry(list.body as RelayListEntry[], ignore) : null,
    relays: answered.length
      ? {
          forwarded: sum((c) => c.packets_forwarded),
          dropped: sum((c) => c.dropped_packets),
          leaseRejects: sum((c) => c.auth_reject_packets + c.wrong_relay_rejects + c.session_full_rejects),
        }
      : null,
  };
}
