/**
 * drill's embedded fault server: the Toxiproxy v2 HTTP API and TCP toxics, plus UDP proxies and toxics, in-process.
 *
 *   const server = await new EmbeddedToxiproxy().start({ host: '127.0.0.1', port: 0 });
 *   // drive it with toxiproxy-node-client or ToxiproxyControl at server.url
 *   await server.stop();   // or `await using server = ...`
 *
 * The API and every proxy bind 127.0.0.1 only; upstreams are dialed only on loopback unless `allowNonLoopback`.
 */
import { randomInt } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { systemClock, type Clock } from '../common/clock.ts';
import { InfrastructureError, UsageError } from '../common/errors.ts';
import { silentLogger, type Logger } from '../common/logger.ts';
import { seededRandom } from '../common/random.ts';
import { createApiServer } from './api/api-server.ts';
import { parsePopulateRequest } from './api/proxy-request.ts';
import { ProxyCollection } from './proxy-collection.ts';
import type { ProxyJson } from './toxic-types.ts';
import { Scheduler } from './scheduler.ts';
import { systemLookup, type LookupAll } from './upstream-guard.ts';

/** The Toxiproxy API version this server speaks; `+drill` marks the extensions (UDP). */
export const TOXIPROXY_API_VERSION = '2.12.0';
export const DRILL_EXTENSIONS = ['udp'] as const;

export interface EmbeddedToxiproxyOptions {
  /** Namespaced under `faults`. Default: silent. */
  logger?: Logger;
  /** Time source for every toxic timeline. Default: the system clock. */
  clock?: Clock;
  /** Seed of the random source behind jitter, toxicity and loss; default: a random seed (see `seed` on the started server). */
  seed?: number;
  /** UDP sessions idle this long are closed, ms. Default 60_000. */
  udpSessionIdleMs?: number;
  /**
   * Dial upstreams outside loopback. Default false: a connection to a proxy whose upstream is not loopback (as
   * written or once resolved) is closed at once, counted and logged. Configuring such a proxy is always accepted.
   */
  allowNonLoopback?: boolean;
  /** Resolves upstream names before the loopback check. Default: the system resolver (dns.lookup). */
  lookup?: LookupAll;
}

export interface StartOptions {
  /** Only 127.0.0.1 (or localhost, bound as 127.0.0.1) is accepted. Default 127.0.0.1. */
  host?: string;
  /** API port; 0 (default) picks a free one. Toxiproxy's usual port is 8474. */
  port?: number;
}

export class EmbeddedToxiproxy {
  constructor(private readonly options: EmbeddedToxiproxyOptions = {}) {}

  async start(options: StartOptions = {}): Promise<StartedEmbeddedToxiproxy> {
    const host = options.host ?? '127.0.0.1';
    if (host !== '127.0.0.1' && host !== 'localhost') {
      throw new UsageError(`The fault server binds 127.0.0.1 only, got host "${host}"; drop the host or use 127.0.0.1`);
    }
    const port = options.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new UsageError(`The fault server port must be an integer from 0 to 65535, got ${port}`);
    }
    const logger = (this.options.logger ?? silentLogger).child('faults');
    const clock = this.options.clock ?? systemClock;
    const seed = this.options.seed ?? randomInt(2 ** 31);
    const scheduler = new Scheduler(clock);
    const proxies = new ProxyCollection({
      clock,
      random: seededRandom(seed),
      scheduler,
      logger,
      udpSessionIdleMs: this.options.udpSessionIdleMs ?? 60_000,
      upstreamRule: { allowNonLoopback: this.options.allowNonLoopback ?? false, lookup: this.options.lookup ?? systemLookup },
    });
    if (this.options.allowNonLoopback) logger.warn('Upstreams outside loopback are allowed: proxies dial any address they are given');
    const version = { version: `${TOXIPROXY_API_VERSION}+drill`, drill: { extensions: [...DRILL_EXTENSIONS] } };
    const server = createApiServer({ proxies, logger, version });
    logger.info(`Starting fault server on 127.0.0.1:${port}…`);
    const startedAt = clock.nowMs();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      scheduler.close();
      logger.error(`Failed to start fault server: ${(error as Error).message}`);
      throw new InfrastructureError(`Cannot start the fault server on 127.0.0.1:${port}: ${(error as Error).message}`, { cause: error });
    }
    const started = new StartedEmbeddedToxiproxy(server, proxies, scheduler, logger, seed);
    logger.info(`Started fault server at ${started.url} in ${Math.round(clock.nowMs() - startedAt)} ms (seed ${seed})`);
    return started;
  }
}

export class StartedEmbeddedToxiproxy implements AsyncDisposable {
  /** Base URL of the API, e.g. http://127.0.0.1:8474. */
  readonly url: string;
  readonly host = '127.0.0.1';
  readonly port: number;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    private readonly proxies: ProxyCollection,
    private readonly scheduler: Scheduler,
    private readonly logger: Logger,
    /** Seed of the random source (record it to replay a run). */
    readonly seed: number,
  ) {
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  /** What POST /populate does with `body` (a JSON array of proxies); throws its ApiError when the body is refused. */
  async populate(body: unknown): Promise<ProxyJson[]> {
    const created = await this.proxies.populate(parsePopulateRequest(body));
    return created.map((proxy) => proxy.toJSON());
  }

  /** Closes every proxy, connection, session and the API. Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async close(): Promise<void> {
    this.logger.info('Stopping fault server…');
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await this.proxies.closeAll();
    this.scheduler.close();
    await closed;
    this.logger.info('Stopped fault server');
  }
}
