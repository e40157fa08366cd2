/**
 * The Wavry streaming workload. Each arrival is one simulated viewer session (client-session.ts) from its own
 * loopback address, to a host picked with the seeded random, direct or — for the `relayShare` "behind NAT" and
 * whenever the direct path stays silent — through a relay; `fire` resolves when the session ends. `sample` reads
 * the relay fleet (relay-inventory.ts: `relays_<state>` for every state the master reports);
 * `controlPlaneRelays` synthetic relays time the master's register and heartbeat calls while the load runs.
 */
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '../../common/clock.ts';
import { seededRandom, type Random } from '../../common/random.ts';
import type { WavryWorkloadSpec } from '../../scenario/workload-schema.ts';
import type { Arrival, DriverContext, WorkloadDriver } from '../workload-driver.ts';
import { clientAddress } from './client-address-pool.ts';
import type { ClientAccount } from './client-account.ts';
import { runClientSession } from './client-session.ts';
import { ControlPlaneRelays } from './control-plane-relays.ts';
import { HostCapabilities } from './host-capabilities.ts';
import { MasterApi } from './master-api.ts';
import { relayStateGauge, sampleInventory, type InventorySample } from './relay-inventory.ts';
import { SessionRecorder } from './session-recorder.ts';
import { ViewerLedger, type ViewerCredentials } from './viewer-ledger.ts';
import { releaseWebRtcIfIdle } from './webrtc-peers.ts';

/** Sessions still running when `finish` stops them get this long to close, ms. */
const STOP_WAIT_MS = 3_000;
/** Failure details kept for diagnosis (the first ones). */
const KEPT_FAILURES = 20;

export interface WavryTargets {
  /** `http://host:port` of the gateway. */
  gatewayUrl: string;
  /** `http://host:port` of the master. */
  masterUrl: string;
  /** Hosts to view: service name and the username they signed up with. */
  hosts: { name: string; username: string }[];
  /** Relays whose `/metrics` are sampled: `http://host:port` of their health port, and their UDP `ip:port`. */
  relays: { name: string; healthUrl: string; udpAddr?: string }[];
  /** The master's `ADMIN_PANEL_TOKEN` (needed when `controlPlaneRelays` > 0). */
  adminToken: string | undefined;
}

export interface WavryDriverOptions {
  clock?: Clock;
}

export class WavryDriver implements WorkloadDriver {
  readonly workload = 'wavry';
  readonly latencySli = 'input_to_present';
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly master: MasterApi;
  private readonly capabilities = new HostCapabilities();
  private readonly running = new Map<AbortController, Promise<void>>();
  /** Viewers who signed in and may come back with their token (`returningViewers`). */
  private readonly ledger = new ViewerLedger();
  /** Part of every viewer name: the same seed gives the same names (a replay signs in where it cannot sign up). */
  private readonly nameTag: string;
  private controlPlane: ControlPlaneRelays | undefined;
  /** relay_ids of the control-plane relays (kept after they stop: the master still lists them). */
  private syntheticRelayIds: ReadonlySet<string> = new Set();
  private context: DriverContext | undefined;
  private recorder: SessionRecorder | undefined;
  private lastSample: InventorySample | undefined;
  private stopping = false;
  private errors = 0;
  /** The first failure details (setup failures, drops, unexpected errors), for diagnosis. */
  readonly failures: string[] = [];

  constructor(
    private readonly spec: WavryWorkloadSpec,
    private readonly targets: WavryTargets,
    seed: number,
    options: WavryDriverOptions = {},
  ) {
    if (targets.hosts.length === 0) throw new RangeError('the wavry workload needs at least one host');
    this.clock = options.clock ?? systemClock;
    this.random = seededRandom(seed);
    this.nameTag = (seed >>> 0).toString(36);
    this.master = new MasterApi(targets.masterUrl, this.clock);
  }

  private get ctx(): DriverContext {
    if (!this.context) throw new Error('WavryDriver used before prepare()');
    return this.context;
  }

  private noteError(detail: string): void {
    this.errors++;
    if (this.failures.length < KEPT_FAILURES) this.failures.push(detail);
  }

  async prepare(context: DriverContext): Promise<void> {
    this.context = context;
    const relayByAddr = new Map(this.targets.relays.flatMap((r) => (r.udpAddr ? [[r.udpAddr, r.name] as const] : [])));
    this.recorder = new SessionRecorder(context, this.clock, (detail) => this.noteError(detail), relayByAddr);
    if (this.spec.controlPlaneRelays > 0) {
      const record = (name: string) => (ms: number) => context.slis.record((s) => s.trend(name).recordMs(ms));
      this.controlPlane = await ControlPlaneRelays.start({
        master: this.master,
        adminToken: this.targets.adminToken,
        count: this.spec.controlPlaneRelays,
        random: this.random,
        clock: this.clock,
        onRegister: record('relay_register_latency'),
        onHeartbeat: record('relay_heartbeat_latency'),
        onFailure: (call) => context.series.add(`control_plane_${call}_failures`, this.clock.wallMs()),
      });
      this.syntheticRelayIds = this.controlPlane.ids;
    }
    await this.sample();
  }

  /** One viewer session; resolves when it has ended (its in-flight lifetime). */
  async fire(arrival: Arrival): Promise<void> {
    if (this.stopping) return;
    const recorder = this.recorder;
    if (!recorder) throw new Error('WavryDriver used before prepare()');
    const host = this.random.pick(this.targets.hosts);
    const behindNat = this.random.next() < this.spec.relayShare;
    const viewer = this.viewerFor(arrival.index);
    const controller = new AbortController();
    const session = runClientSession(
      { viewer, localAddress: clientAddress(arrival.index), host: host.username, behindNat },
      { spec: this.spec, gatewayUrl: this.targets.gatewayUrl, capabilities: this.capabilities, clock: this.clock, recorder },
      controller.signal,
    );
    this.running.set(controller, session);
    try {
      await session;
    } catch (error) {
      this.noteError(`session ${arrival.index}: ${(error as Error).message}`);
      throw error;
    } finally {
      this.running.delete(controller);
      if (this.spec.returningViewers > 0) this.ledger.keep(viewer);
    }
  }

  /** A returning viewer (its kept token) for the `returningViewers` share of arrivals when one is free, else a new one. */
  private viewerFor(index: number): ViewerCredentials {
    const returning = this.spec.returningViewers > 0 && this.random.next() < this.spec.returningViewers;
    return (returning ? this.ledger.borrow(this.random) : undefined) ?? { account: this.account(index) };
  }

  private account(index: number): ClientAccount {
    const username = `v-${this.nameTag}-${index}`;
    return {
      username,
      email: `${username}@viewers.drill.test`,
      password: `${username}-password`,
      publicKey: createHash('sha256').update(username).digest('hex'),
    };
  }

  async sample(): Promise<void> {
    const { slis, series } = this.ctx;
    const sample = await sampleInventory(
      this.master,
      this.targets.relays.map((r) => r.healthUrl),
      this.syntheticRelayIds,
    );
    const now = this.clock.wallMs();
    const byState = sample.registry ? Object.entries(sample.registry.byState) : [];
    const heartbeatAgeMs = sample.registry?.heartbeatAgeMs ?? null;
    slis.record((s) => {
      if (sample.assignable !== null) s.gauge('relays_assignable', sample.assignable);
      for (const [state, count] of byState) s.gauge(relayStateGauge(state), count);
      if (heartbeatAgeMs !== null) s.gauge('relay_heartbeat_age', heartbeatAgeMs);
    });
    series.set('relays_assignable', now, sample.assignable);
    // Every state the master reports, one level column each (relays_new, relays_active, relays_draining...).
    for (const [state, count] of byState) series.set(relayStateGauge(state), now, count);
    series.set('relay_heartbeat_age', now, heartbeatAgeMs);
    const previous = this.lastSample?.relays;
    if (sample.relays && previous) {
      series.add('relay_forwarded', now, Math.max(0, sample.relays.forwarded - previous.forwarded));
      series.add('relay_dropped', now, Math.max(0, sample.relays.dropped - previous.dropped));
      series.add('relay_lease_rejects', now, Math.max(0, sample.relays.leaseRejects - previous.leaseRejects));
    }
    if (sample.relays) this.lastSample = sample;
  }

  errorCount(): number {
    return this.errors;
  }

  /** Stops what is still running (the graceful stop is over), the control-plane relays, and samples once more. */
  async finish(): Promise<void> {
    await this.stopAll();
    await this.sample().catch(() => undefined);
  }

  private async stopAll(): Promise<void> {
    this.stopping = true;
    for (const controller of this.running.keys()) controller.abort(new Error('the run is over'));
    const settled = Promise.allSettled([...this.running.values()]);
    const waited = new AbortController();
    await Promise.race([settled, this.clock.sleep(STOP_WAIT_MS, waited.signal).catch(() => undefined)]);
    waited.abort();
    await this.controlPlane?.stop();
    this.controlPlane = undefined;
    await releaseWebRtcIfIdle();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stopAll();
    await this.master[Symbol.asyncDispose]();
  }
}
