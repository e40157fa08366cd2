/**
 * Samples the bots' Prometheus metrics and the bridge's delivery stats at a fixed interval, turning them into
 * gauges (queue depth, DLQ depth), time-in-state counters (breaker open, websocket down) and series columns.
 */
import { parsePrometheusText, sumOf } from '../../sli/prometheus-text.ts';
import type { BridgeControl } from './bridge-control.ts';

export interface StackSample {
  /** Epoch ms. */
  atMs: number;
  queueDepth: number | null;
  dlqDepth: number | null;
  breakerOpen: number | null;
  websocketUp: number | null;
  bridgeDropped: number | null;
  /** Receive upgrades the bridge accepted and refused so far (null: its release has no reconnect limit). */
  reconnectsAccepted: number | null;
  reconnectsRejected: number | null;
}

export interface SampleTargets {
  botMetricsUrls: string[];
  bridge: BridgeControl;
}

/** Scrapes one Prometheus endpoint; undefined when it does not answer within a second. */
export async function scrape(url: string): Promise<ReturnType<typeof parsePrometheusText> | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return response.ok ? parsePrometheusText(await response.text()) : undefined;
  } catch {
    return undefined; // a bot that is down or paused answers nothing; the sample says so with nulls
  }
}

export async function sampleStack(targets: SampleTargets): Promise<StackSample> {
  const [scrapes, stats] = await Promise.all([
    Promise.all(targets.botMetricsUrls.map(scrape)),
    targets.bridge.stats().catch(() => undefined),
  ]);
  const reached = scrapes.filter((s) => s !== undefined);
  const total = (name: string, where?: Record<string, string>) =>
    reached.length ? reached.reduce((sum, s) => sum + (sumOf(s, name, where) ?? 0), 0) : null;
  return {
    atMs: Date.now(),
    queueDepth: total('message_queue_depth'),
    dlqDepth: total('dead_letter_queue_depth'),
    breakerOpen: reached.length ? (total('circuit_breaker_state', { state: 'open' })! > 0 ? 1 : 0) : null,
    // A bot that does not answer counts as disconnected.
    websocketUp: scrapes.every((s) => s !== undefined && (sumOf(s, 'websocket_connection_state') ?? 0) > 0) ? 1 : 0,
    bridgeDropped: stats?.framesDropped ?? null,
    reconnectsAccepted: stats?.receiveConnects ?? null,
    reconnectsRejected: stats?.receiveRejected ?? null,
  };
}
