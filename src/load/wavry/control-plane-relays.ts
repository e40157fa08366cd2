/**
 * Synthetic relays that measure the master's control plane, as the real project's resilience gate does
 * (`control-plane-load-driver.py`): each registers (timed), is set Draining at once through the admin API so no
 * viewer is ever sent to it, then heartbeats about once a second (timed) until stopped, at most an hour. A 404
 * (the master restarted and forgot it) makes it register and drain again. Endpoints are 127.0.2.101, .102, …
 * (one IP each, under the master's Sybil cap); nothing is ever sent to them.
 */
import type { Clock } from '../../common/clock.ts';
import { InfrastructureError } from '../../common/errors.ts';
import type { Random } from '../../common/random.ts';
import type { RelayHeartbeatRequest, RelayRegisterRequest, RelayStateUpdate } from '../../wire/wavry.ts';
import { controlPlaneRelayEndpoint } from './client-address-pool.ts';
import type { MasterApi } from './master-api.ts';

const HEARTBEAT_EVERY_MS = 1_000;
/** Heartbeats per relay before the loop ends by itself (an hour at one a second). */
const MAX_HEARTBEATS = 3_600;

export interface ControlPlaneOptions {
  master: MasterApi;
  /** `ADMIN_PANEL_TOKEN` of the master (at least 32 characters), to set the relays Draining. */
  adminToken: string | undefined;
  count: number;
  random: Random;
  clock: Clock;
  onRegister(latencyMs: number): void;
  onHeartbeat(latencyMs: number): void;
  /** A call that did not answer 200 (status 0: no answer). */
  onFailure(call: 'register' | 'drain' | 'heartbeat', status: number): void;
}

const uuidFrom = (random: Random) => {
  const hex = Array.from({ length: 32 }, () => random.int(0, 15).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20)}`;
};

export class ControlPlaneRelays {
  private readonly stopped = new AbortController();
  private loops: Promise<void>[] = [];

  private constructor(
    private readonly options: ControlPlaneOptions,
    /** relay_ids of the synthetic relays, left out of the relay inventory. */
    readonly ids: ReadonlySet<string>,
  ) {}

  /** Registers and drains every relay, then starts their heartbeats. Throws when the master refuses the drain. */
  static async start(options: ControlPlaneOptions): Promise<ControlPlaneRelays> {
    if (!options.adminToken) {
      throw new InfrastructureError(
        "controlPlaneRelays needs the master's ADMIN_PANEL_TOKEN to set its synthetic relays Draining; set it on the master or use controlPlaneRelays: 0",
      );
    }
    const relays = Array.from({ length: options.count }, (_, i) => ({
      id: uuidFrom(options.random),
      endpoint: controlPlaneRelayEndpoint(i),
    }));
    const running = new ControlPlaneRelays(options, new Set(relays.map((r) => r.id)));
    await Promise.all(relays.map((relay) => running.join(relay.id, relay.endpoint)));
    running.loops = relays.map((relay, i) => running.heartbeat(relay.id, relay.endpoint, (i * HEARTBEAT_EVERY_MS) / relays.length));
    return running;
  }

  /** Register (timed) and drain; throws when either is refused. */
  private async join(id: string, endpoint: string): Promise<void> {
    const { master, adminToken } = this.options;
    const registration: RelayRegisterRequest = {
      relay_id: id,
      endpoints: [endpoint],
      max_sessions: 100,
      max_bitrate_kbps: 100_000,
      features: [],
    };
    const registered = await master.post('/v1/relays/register', registration);
    if (registered.status !== 200) {
      this.options.onFailure('register', registered.status);
      throw new InfrastructureError(
        `the master refused to register control-plane relay ${endpoint}: ${registered.status} ${JSON.stringify(registered.body)}`,
      );
    }
    this.options.onRegister(registered.elapsedMs);
    const drain: RelayStateUpdate = { relay_id: id, new_state: 'Draining' };
    const drained = await master.post('/admin/api/relays/update_state', drain, adminToken);
    if (drained.status !== 200) {
      this.options.onFailure('drain', drained.status);
      throw new InfrastructureError(
        `the master refused to set control-plane relay ${endpoint} Draining (${drained.status}); check ADMIN_PANEL_TOKEN`,
      );
    }
  }

  private async heartbeat(id: string, endpoint: string, offsetMs: number): Promise<void> {
    const { clock, master } = this.options;
    const firstMs = clock.nowMs() + offsetMs;
    for (let beat = 1; beat <= MAX_HEARTBEATS && !this.stopped.signal.aborted; beat++) {
      try {
        await clock.sleep(Math.max(0, firstMs + beat * HEARTBEAT_EVERY_MS - clock.nowMs()), this.stopped.signal);
      } catch {
        return;
      }
      const body: RelayHeartbeatRequest = { relay_id: id, load_pct: 0 };
      const reply = await master.post('/v1/relays/heartbeat', body);
      if (reply.status === 200) this.options.onHeartbeat(reply.elapsedMs);
      else this.options.onFailure('heartbeat', reply.status);
      if (reply.status === 404 && !this.stopped.signal.aborted) await this.join(id, endpoint).catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    this.stopped.abort();
    await Promise.all(this.loops);
  }
}
