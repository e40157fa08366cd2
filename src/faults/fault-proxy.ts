/**
 * What TCP and UDP proxies share: name, addresses, the enabled state and the toxic collection.
 * `enabled: false` is Toxiproxy's "down": the listener is closed (new connections are refused) and open
 * connections are dropped. The listen address keeps the real port once bound, so re-enabling reuses it.
 */
import type { Clock } from '../common/clock.ts';
import type { Logger } from '../common/logger.ts';
import type { Random } from '../common/random.ts';
import { formatHostPort, parseListen, parseUpstream, type HostPort } from './proxy-address.ts';
import { ProxyMetrics } from './proxy-metrics.ts';
import type { Scheduler } from './scheduler.ts';
import { ToxicCollection } from './toxic-collection.ts';
import type { ProxyJson, ProxyProtocol } from './toxic-types.ts';
import type { UpstreamRule } from './upstream-guard.ts';

/** Shared services of one fault server. */
export interface ProxyDeps {
  clock: Clock;
  random: Random;
  scheduler: Scheduler;
  logger: Logger;
  /** UDP sessions idle this long are closed, ms. */
  udpSessionIdleMs: number;
  /** The loopback rule each dial of an upstream passes first. */
  upstreamRule: UpstreamRule;
}

/** A proxy as asked for by the API, validated. */
export interface ProxyConfig {
  name: string;
  /** The listen address as written (kept to tell, on /populate, whether it changed). */
  listen: string;
  upstream: string;
  protocol: ProxyProtocol;
}

export abstract class FaultProxy {
  abstract readonly protocol: ProxyProtocol;
  readonly toxics = new ToxicCollection();
  readonly metrics = new ProxyMetrics();
  readonly name: string;
  protected listenAddress: HostPort;
  protected upstreamAddress: HostPort;
  /** The upstream as given (Toxiproxy stores and returns it unchanged). */
  private upstreamText: string;
  private requestedListen: string;
  private isEnabled = false;

  constructor(
    config: ProxyConfig,
    protected readonly deps: ProxyDeps,
  ) {
    this.name = config.name;
    this.requestedListen = config.listen;
    this.listenAddress = parseListen(config.listen);
    this.upstreamAddress = parseUpstream(config.upstream);
    this.upstreamText = config.upstream;
  }

  get enabled(): boolean {
    return this.isEnabled;
  }

  get listen(): string {
    return formatHostPort(this.listenAddress);
  }

  get upstream(): string {
    return this.upstreamText;
  }

  /** True when `config` asks for the same proxy (Toxiproxy's /populate keeps a proxy whose addresses did not change). */
  sameAs(config: ProxyConfig): boolean {
    const sameListen = config.listen === this.requestedListen || config.listen === this.listen;
    return sameListen && config.upstream === this.upstream && config.protocol === this.protocol;
  }

  async start(): Promise<void> {
    if (this.isEnabled) return;
    this.listenAddress = { ...this.listenAddress, port: await this.open() };
    this.isEnabled = true;
    this.deps.logger.info(`Proxy ${this.name} (${this.protocol}) listening on ${this.listen} → ${this.upstream}`);
  }

  async stop(): Promise<void> {
    if (!this.isEnabled) return;
    this.isEnabled = false;
    await this.shut();
  }

  /** Applies a PATCH/POST body: a changed address restarts the proxy (dropping its connections). */
  async update(change: { listen?: string; upstream?: string; enabled?: boolean }): Promise<void> {
    const asked = {
      listen: change.listen === undefined ? undefined : parseListen(change.listen),
      upstream: change.upstream === undefined ? undefined : parseUpstream(change.upstream),
    };
    const listen = asked.listen && formatHostPort(asked.listen) !== this.listen ? asked.listen : undefined;
    const upstream = asked.upstream && change.upstream !== this.upstream ? asked.upstream : undefined;
    const enabled = change.enabled ?? this.isEnabled;
    if (listen || upstream) await this.stop();
    if (listen) {
      this.listenAddress = listen;
      this.requestedListen = change.listen!;
    }
    if (upstream) {
      this.upstreamAddress = upstream;
      this.upstreamText = change.upstream!;
    }
    if (enabled) await this.start();
    else await this.stop();
  }

  /** Stops the proxy and removes its toxics (the proxy is deleted or the server stops). */
  async close(): Promise<void> {
    await this.stop();
    this.toxics.clear();
  }

  /** Counts and logs a connection or session refused by the loopback rule. */
  protected refuse(client: string, reason: string): void {
    this.metrics.refusedConnections++;
    this.deps.logger.warn(`Proxy ${this.name}: refused ${client}: upstream ${this.upstream}: ${reason} (a scenario's allowNonLoopback or drill toxiproxy --allow-non-loopback lifts the rule)`);
  }

  toJSON(): ProxyJson {
    const json: ProxyJson = {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.isEnabled,
      toxics: this.toxics.list(),
    };
    if (this.protocol === 'udp') json.protocol = 'udp';
    return json;
  }

  /** Binds the listener; resolves with the bound port. */
  protected abstract open(): Promise<number>;
  /** Closes the listener and drops every connection or session. */
  protected abstract shut(): Promise<void>;
}
