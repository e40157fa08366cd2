/**
 * The SLIs each workload produces: their names (used in `thresholds:`), kinds, units and meanings.
 * One list, read by the scenario loader (to check threshold names) and by the report writers.
 *
 * Kinds follow k6's metric types:
 *  - trend: a distribution (HdrHistogram); aggregations p(N), avg, min, med, max, count.
 *  - rate: share of events that were bad; aggregations rate (0..1) and count.
 *  - counter: a count; aggregations count and rate (per second of load).
 *  - gauge: a sampled level; aggregations value (last), min, max, avg.
 */
export type SliKind = 'trend' | 'rate' | 'counter' | 'gauge';

export interface SliDefinition {
  name: string;
  kind: SliKind;
  unit: string;
  description: string;
  /** A counter family: `NAME_<member>` (e.g. `lease_rejects_WrongRelay`) is an SLI of this kind and unit too. */
  family?: true;
}

const loadSlis: SliDefinition[] = [
  { name: 'arrivals', kind: 'counter', unit: 'arrivals', description: 'Arrivals the executor scheduled and started.' },
  { name: 'dropped_arrivals', kind: 'rate', unit: 'arrivals', description: 'Arrivals not started because maxVUs were in flight (k6 dropped_iterations); a sign the generator fell behind.' },
  { name: 'schedule_lag', kind: 'trend', unit: 'ms', description: 'Actual start minus intended start of each arrival.' },
];

const signalSlis: SliDefinition[] = [
  { name: 'reply_latency', kind: 'trend', unit: 'ms', description: 'Inbound message intended send time → bot reply accepted by the bridge; coordinated-omission-correct.' },
  { name: 'reply_latency_uncorrected', kind: 'trend', unit: 'ms', description: 'Same, measured from the actual send time (what a closed-loop tool would report).' },
  { name: 'replies_missing', kind: 'rate', unit: 'messages', description: 'Messages expecting a reply that got none within replyTimeout.' },
  { name: 'duplicate_replies', kind: 'rate', unit: 'messages', description: 'Inbound messages answered more than once (oracle log).' },
  { name: 'unexpected_replies', kind: 'counter', unit: 'replies', description: 'Replies quoting no message the workload sent.' },
  { name: 'inject_errors', kind: 'rate', unit: 'messages', description: 'Messages the bridge refused to inject.' },
  { name: 'bridge_dropped_frames', kind: 'counter', unit: 'frames', description: 'Frames the bridge dropped (no subscriber or a slow one): at-most-once delivery.' },
  { name: 'queue_depth', kind: 'gauge', unit: 'messages', description: 'Bot message_queue_depth, sampled.' },
  { name: 'dlq_depth', kind: 'gauge', unit: 'records', description: 'Bot dead_letter_queue_depth, sampled.' },
  { name: 'dlq_growth', kind: 'counter', unit: 'records', description: 'DLQ depth at the end minus at the start.' },
  { name: 'breaker_open_time', kind: 'counter', unit: 's', description: 'Seconds any bot circuit breaker was open, from samples.' },
  { name: 'websocket_down_time', kind: 'counter', unit: 's', description: 'Seconds a bot websocket was disconnected, from samples.' },
  { name: 'receive_reconnects_rejected', kind: 'counter', unit: 'reconnects', description: 'Receive websocket upgrades the bridge refused (429) under its reconnect limit, all accounts; only a bridge release with a limit reports it.' },
  { name: 'receive_reconnect_rate', kind: 'gauge', unit: 'reconnects/s', description: 'Receive websocket upgrade attempts (accepted or refused) per second between two samples, all accounts: its max is the peak of a reconnect storm; only a bridge release with a reconnect limit reports it.' },
];

const httpSlis: SliDefinition[] = [
  { name: 'http_req_duration', kind: 'trend', unit: 'ms', description: 'Intended send time → full response; coordinated-omission-correct.' },
  { name: 'http_req_duration_uncorrected', kind: 'trend', unit: 'ms', description: 'Actual send time → full response.' },
  { name: 'http_req_failed', kind: 'rate', unit: 'requests', description: 'Requests that errored, timed out or got an unexpected status.' },
];

const wavrySlis: SliDefinition[] = [
  { name: 'session_setup_success', kind: 'rate', unit: 'sessions', description: 'Sessions that reached a working data path (the counted events are successes: use rate>=0.98).' },
  { name: 'handshake_failures', kind: 'rate', unit: 'sessions', description: 'Sessions whose setup failed, any reason.' },
  { name: 'handshake_failures_auth', kind: 'counter', unit: 'sessions', description: 'Setup failures at login or bind (Invalid Token, 401, 429).' },
  { name: 'handshake_failures_bind_timeout', kind: 'counter', unit: 'sessions', description: 'No Bound within the setup timeout.' },
  { name: 'handshake_failures_host_unavailable', kind: 'counter', unit: 'sessions', description: 'The offer found no host to answer: refused by the gateway (User not online), declined, or no ANSWER_RIFT within the setup timeout.' },
  { name: 'handshake_failures_relay_credentials_timeout', kind: 'counter', unit: 'sessions', description: 'A viewer bound for a relay got no RELAY_CREDENTIALS within relayCredentialsTimeout (or an ERROR).' },
  { name: 'handshake_failures_lease_rejected', kind: 'counter', unit: 'sessions', description: 'The relay answered LEASE_REJECT (by code in lease_rejects_*), also after a silent direct path.' },
  { name: 'handshake_failures_relay_unreachable', kind: 'counter', unit: 'sessions', description: 'No ACK, REJECT or echo over the relay within the handshake attempts, also after a silent direct path.' },
  { name: 'handshake_failures_direct_unreachable', kind: 'counter', unit: 'sessions', description: 'The direct path stayed silent and no relay was offered to fall back to.' },
  { name: 'relay_share', kind: 'rate', unit: 'sessions', description: 'Connected sessions that use a relay (the rest are direct).' },
  { name: 'webrtc_share', kind: 'rate', unit: 'sessions', description: 'Connected direct sessions on a WebRTC data channel (the rest use plain UDP to the host address).' },
  { name: 'session_drops', kind: 'rate', unit: 'sessions', description: 'Connected sessions that lost their data path before their end.' },
  { name: 'input_to_present', kind: 'trend', unit: 'ms', description: 'Input event intended time → presented frame echoed back, both paths; coordinated-omission-correct.' },
  { name: 'input_to_present_direct', kind: 'trend', unit: 'ms', description: 'The same on direct sessions.' },
  { name: 'input_to_present_relay', kind: 'trend', unit: 'ms', description: 'The same on relayed sessions.' },
  { name: 'rtt_direct', kind: 'trend', unit: 'ms', description: 'Ping round trip on direct sessions.' },
  { name: 'rtt_relay', kind: 'trend', unit: 'ms', description: 'Ping round trip on relayed sessions.' },
  { name: 'loss_direct', kind: 'rate', unit: 'packets', description: 'Input events and pings with no echo, direct sessions.' },
  { name: 'loss_relay', kind: 'rate', unit: 'packets', description: 'Input events and pings with no echo, relayed sessions.' },
  { name: 'jitter_direct', kind: 'trend', unit: 'ms', description: 'Inter-arrival jitter of echoes (RFC 3550 style), direct sessions.' },
  { name: 'jitter_relay', kind: 'trend', unit: 'ms', description: 'Inter-arrival jitter of echoes, relayed sessions.' },
  { name: 'tokens_rejected', kind: 'rate', unit: 'tokens', description: 'Kept session tokens returning viewers bound with (workload returningViewers) that the gateway refused (Invalid Token), counted in the phase that issued each token.' },
  { name: 'accounts_lost', kind: 'counter', unit: 'accounts', description: 'Returning viewers whose account the gateway no longer had (signing up again made it anew), counted in the phase that registered it.' },
  { name: 'leases_issued', kind: 'counter', unit: 'leases', description: 'RELAY_CREDENTIALS received by clients.' },
  { name: 'lease_rejects', kind: 'counter', unit: 'leases', description: 'LEASE_REJECT answers, all codes (lease_rejects_<reason> per code).', family: true },
  { name: 'relay_sessions', kind: 'counter', unit: 'sessions', description: 'Sessions the master assigned to each relay of the workload (relay_sessions_<relay service>), counted when the master issued the lease.', family: true },
  { name: 'relays_assignable', kind: 'gauge', unit: 'relays', description: 'Relays the master can assign (fresh and not Draining/Quarantined/Banned), sampled.' },
  { name: 'relays_new', kind: 'gauge', unit: 'relays', description: 'Relays in state New (registered, no heartbeat yet), sampled.' },
  { name: 'relays_probation', kind: 'gauge', unit: 'relays', description: 'Relays in state Probation (load ≥ 85 %), sampled.' },
  { name: 'relays_active', kind: 'gauge', unit: 'relays', description: 'Relays in state Active, sampled.' },
  { name: 'relays_degraded', kind: 'gauge', unit: 'relays', description: 'Relays in state Degraded (load ≥ 95 %), sampled.' },
  { name: 'relays_draining', kind: 'gauge', unit: 'relays', description: 'Relays in state Draining, sampled.' },
  { name: 'relays_quarantined', kind: 'gauge', unit: 'relays', description: 'Relays in state Quarantined, sampled.' },
  { name: 'relays_banned', kind: 'gauge', unit: 'relays', description: 'Relays in state Banned, sampled.' },
  { name: 'relay_heartbeat_age', kind: 'gauge', unit: 'ms', description: 'Largest last_seen_ms_ago among registered relays, sampled.' },
  { name: 'relay_register_latency', kind: 'trend', unit: 'ms', description: 'Synthetic relay register round trips to the master.' },
  { name: 'relay_heartbeat_latency', kind: 'trend', unit: 'ms', description: 'Synthetic relay heartbeat round trips to the master.' },
];

export const sliCatalog: Record<string, SliDefinition[]> = {
  signal: [...signalSlis, ...loadSlis],
  http: [...httpSlis, ...loadSlis],
  wavry: [...wavrySlis, ...loadSlis],
};

export function sliDefinition(workload: string, name: string): SliDefinition | undefined {
  const definitions = sliCatalog[workload];
  const exact = definitions?.find((s) => s.name === name);
  if (exact) return exact;
  const family = definitions?.find((s) => s.family && name.startsWith(`${s.name}_`) && name.length > s.name.length + 1);
  return family && { ...family, name };
}

export const aggregationsByKind: Record<SliKind, readonly string[]> = {
  trend: ['percentile', 'avg', 'min', 'med', 'max', 'count'],
  rate: ['rate', 'count'],
  counter: ['count', 'rate'],
  gauge: ['value', 'min', 'max', 'avg'],
};
