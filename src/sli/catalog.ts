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
];

const httpSlis: SliDefinition[] = [
  { name: 'http_req_duration', kind: 'trend', unit: 'ms', description: 'Intended send time → full response; coordinated-omission-correct.' },
  { name: 'http_req_duration_uncorrected', kind: 'trend', unit: 'ms', description: 'Actual send time → full response.' },
  { name: 'http_req_failed', kind: 'rate', unit: 'requests', description: 'Requests that errored, timed out or got an unexpected status.' },
];

export const sliCatalog: Record<string, SliDefinition[]> = {
  signal: [...signalSlis, ...loadSlis],
  http: [...httpSlis, ...loadSlis],
};

export function sliDefinition(workload: string, name: string): SliDefinition | undefined {
  return sliCatalog[workload]?.find((s) => s.name === name);
}

export const aggregationsByKind: Record<SliKind, readonly string[]> = {
  trend: ['percentile', 'avg', 'min', 'med', 'max', 'count'],
  rate: ['rate', 'count'],
  counter: ['count', 'rate'],
  gauge: ['value', 'min', 'max', 'avg'],
};
