import { describe, expect, it } from 'vitest';
import type { RelayListEntry } from '../../wire/wavry.ts';
import { summarizeRegistry } from './relay-inventory.ts';

const relay = (relay_id: string, state: RelayListEntry['state'], last_seen_ms_ago: number): RelayListEntry => ({
  relay_id,
  endpoints: ['127.0.0.1:4000'],
  load_pct: 0,
  last_seen_ms_ago,
  max_bitrate_kbps: 100_000,
  state,
});

describe('relay registry summary', () => {
  it('counts relays in every state and the oldest heartbeat, leaving out the control-plane relays', () => {
    const list = [
      relay('a', 'Active', 1_200),
      relay('b', 'Draining', 300),
      relay('c', 'Quarantined', 130_000),
      relay('synthetic', 'Draining', 900_000),
    ];
    const none = { New: 0, Probation: 0, Active: 0, Degraded: 0, Draining: 0, Quarantined: 0, Banned: 0 };
    expect(summarizeRegistry(list, new Set(['synthetic']))).toEqual({
      byState: { ...none, Active: 1, Draining: 1, Quarantined: 1 },
      heartbeatAgeMs: 130_000,
    });
    expect(summarizeRegistry([], new Set())).toEqual({ byState: none, heartbeatAgeMs: null });
  });
});
