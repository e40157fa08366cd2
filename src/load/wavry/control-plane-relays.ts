/**
 * Synthetic relays that measure the master's control plane, as the real project's resilience gate does:
 * each registers (timed), is set Draining at once through the admin API so no client is ever assigned to it,
 * then heartbeats about once a second (timed) until stopped. Their endpoints are on distinct 127.x.0.1
 * addresses so the master's Sybil check (relays per endpoint IP prefix) does not refuse them; nothing is ever
 * sent to those addresses.
 */
import { randomUUID } from 'node:crypto';
import type { RelayHeartbeatRequest, RelayRegisterRequest, RelayStateUpdate } from '../../wire/wavry.ts';

const HEARTBEAT_EVERY_MS = 1_000;
const CALL_TIMEOUT_MS = 5_000;
/** Upper bound on heartbeats per relay (an hour at one a second), so the loop ends even if never stopped. */
const MAX_HEARTBEATS = 3_600;

export interface ControlPlaneSink {
  register(latencyMs: number, ok: boolean): void;
  heartbeat(latencyMs: number, ok: boolean): void;
}

async function timedPost(url: string, body: unknown, token?: string): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    await response.body?.cancel();
    return { ms: performance.now() - started, ok: response.ok };
  } catch {
    return { ms: performance.now() - started, ok: false };
  }
}

export class ControlPlaneRelays {
  private readonly stopped = new AbortController();
  private loops: Promise<void>[] = [];
  /** relay_ids of the synthetic relays, to leave them out of the relay inventory. */
  readonly ids = new Set<string>();

  constructor(
    private readonly masterUrl: string,
    private readonly adminToken: string | undefined,
    private readonly sink: ControlPlaneSink,
  ) {}

  start(count: number): void {
    this.loops = Array.from({ length: count }, (_, i) => this.runRelay(i));
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await Promise.all(this.loops);
  }

  private async runRelay(index: number): Promise<void> {
    const relayId = randomUUID();
    this.ids.add(relayId);
    const register: RelayRegisterRequest = { relay_id: relayId, endpoints: [`127.${101 + index}.0.1:4000`], max_bitrate_kbps: 100_000, features: [] };
    const registered = await timedPost(`${this.masterUrl}/v1/relays/register`, register);
    this.sink.register(registered.ms, registered.ok);
    if (!registered.ok) return;
    const drain: RelayStateUpdate = { relay_id: relayId, new_state: 'Draining' };
    await timedPost(`${this.masterUrl}/admin/api/relays/update_state`, drain, this.adminToken);
    for (let i = 0; i < MAX_HEARTBEATS && !this.stopped.signal.aborted; i++) {
      await new Promise<void>((resolve) => {
        const onStop = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.stopped.signal.removeEventListener('abort', onStop);
          resolve();
        }, HEARTBEAT_EVERY_MS);
        this.stopped.signal.addEventListener('abort', onStop, { once: true });
      });
      if (this.stopped.signal.aborted) break;
      const beat: RelayHeartbeatRequest = { relay_id: relayId, load_pct: 0 };
      const result = await timedPost(`${this.masterUrl}/v1/relays/heartbeat`, beat);
      this.sink.heartbeat(result.ms, result.ok);
    }
  }
}
