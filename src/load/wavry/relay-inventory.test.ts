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
  it('counts states and the oldest heartbeat, leaving out the control-plane relays', () => {
    const list = [
      relay('a', 'Active', 1_200),
      relay('b', 'Draining', 300),
      relay('c', 'Quarantined', 130_000),
      relay('synthetic', 'Draining', 900_000),
    ];
    expect(summarizeRegistry(list, new Set(['synthetic']))).toEqual({ draining: 1, quarantined: 1, heartbeatAgeMs: 130_000 });
    expect(summarizeRegistry([], new Set())).toEqual({ draining: 0, quarantined: 0, heartbeatAgeMs: null });
  });
});
