/**
 * The Wavry streaming workload (WorkloadDriver): each arrival is one viewer session (see wavry-session.ts);
 * samples the master's relay registry, and runs synthetic relays that time the master's register and
 * heartbeat calls. Every SLI of the `wavry` catalog entry is recorded here.
 */
import { seededRandom, type Random } from '../../common/random.ts';
import type { WavryWorkloadSpec } from '../../scenario/workload-schema.ts';
import type { Arrival, DriverContext, WorkloadDriver } from '../workload-driver.ts';
import { ControlPlaneRelays } from './control-plane-relays.ts';
import { clientAddress } from './loopback-identity.ts';
import type { PathKind } from './media-path.ts';
import { readRelayInventory } from './relay-inventory.ts';
import { runSession, type SessionSink } from './wavry-session.ts';

export interface WavryTargets {
  gatewayUrl: string;
  masterUrl: string;
  hosts: { name: string; username: string }[];
  relays: { name: string; healthUrl: string }[];
  adminToken: string | undefined;
}

export class WavryDriver implements WorkloadDriver {
  readonly workload = 'wavry';
  readonly latencySli = 'input_to_present';
  private readonly random: Random;
  private readonly stop = new AbortController();
  private readonly controlPlane: ControlPlaneRelays;
  /** Distinguishes this run's users from earlier runs' on a gateway that keeps its accounts. */
  private readonly runTag = Date.now().toString(36);
  private context: DriverContext | undefined;
  private errors = 0;

  constructor(
    private readonly spec: WavryWorkloadSpec,
    private readonly targets: WavryTargets,
    seed: number,
  ) {
    this.random = seededRandom(seed);
    this.controlPlane = new ControlPlaneRelays(targets.masterUrl, targets.adminToken, {
      register: (ms, ok) => this.record((s) => (ok ? s.trend('relay_register_latency').recordMs(ms) : s.count('relay_register_failures'))),
      heartbeat: (ms, ok) => this.record((s) => (ok ? s.trend('relay_heartbeat_latency').recordMs(ms) : s.count('relay_heartbeat_failures'))),
    });
  }

  private get ctx(): DriverContext {
    if (!this.context) throw new Error('WavryDriver used before prepare()');
    return this.context;
  }

  private record(action: Parameters<DriverContext['slis']['record']>[0]): void {
    this.ctx.slis.record(action);
  }

  async prepare(context: DriverContext): Promise<void> {
    this.context = context;
    this.controlPlane.start(this.spec.controlPlaneRelays);
  }

  async fire(arrival: Arrival): Promise<void> {
    const host = this.random.pick(this.targets.hosts);
    const behindNat = this.random.next() < this.spec.relayShare;
    await runSession({
      spec: this.spec,
      gatewayUrl: this.targets.gatewayUrl,
      host: host.username,
      username: `v${this.runTag}${arrival.index}`,
      localAddress: clientAddress(arrival.index),
      behindNat,
      sink: this.sink(),
      stop: this.stop.signal,
    });
  }

  private sink(): SessionSink {
    return {
      setupFailed: (reason) => {
        this.errors++;
        this.record((s) => {
          s.rate('session_setup_success', false);
          s.rate('handshake_failures', true);
          s.count(`handshake_failures_${reason}`);
        });
        this.ctx.series.add('setup_failures', Date.now());
      },
      leaseIssued: () => this.record((s) => s.count('leases_issued')),
      leaseRejected: (reason) =>
        this.record((s) => {
          s.count('lease_rejects');
          s.count(`lease_rejects_${reason}`);
        }),
      connected: (path) => {
        this.record((s) => {
          s.rate('session_setup_success', true);
          s.rate('handshake_failures', false);
          s.rate('relay_share', path === 'relay');
        });
        this.ctx.series.add(`sessions_${path}`, Date.now());
      },
      echo: (path, kind, latencyMs) => {
        const now = Date.now();
        this.record((s) => {
          if (kind === 'input') {
            s.trend('input_to_present').recordMs(latencyMs);
            s.trend(`input_to_present_${path}`).recordMs(latencyMs);
          } else s.trend(`rtt_${path}`).recordMs(latencyMs);
        });
        if (kind === 'input') this.ctx.series.latency(now, latencyMs);
      },
      ended: (path: PathKind, result) => {
        if (result.dropped) this.errors++;
        this.record((s) => {
          s.rate('session_drops', result.dropped);
          s.rate(`loss_${path}`, true, result.lost);
          s.rate(`loss_${path}`, false, result.sent - result.lost);
          s.trend(`jitter_${path}`).recordMs(result.jitterMs);
        });
      },
    };
  }

  async sample(): Promise<void> {
    const inventory = await readRelayInventory(this.targets.masterUrl, this.controlPlane.ids);
    if (!inventory) return;
    const now = Date.now();
    this.record((s) => {
      s.gauge('relays_assignable', inventory.assignable);
      s.gauge('relays_draining', inventory.draining);
      s.gauge('relays_quarantined', inventory.quarantined);
      s.gauge('relay_heartbeat_age', inventory.heartbeatAgeMs);
    });
    this.ctx.series.set('relays_assignable', now, inventory.assignable);
    this.ctx.series.set('relays_draining', now, inventory.draining);
  }

  errorCount(): number {
    return this.errors;
  }

  async finish(): Promise<void> {
    await this.controlPlane.stop();
    await this.sample();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.stop.abort();
    await this.controlPlane.stop();
  }
}
