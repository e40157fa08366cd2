/**
 * The harness side of fault injection: drives a Toxiproxy API (drill's embedded server or a real Toxiproxy) through
 * toxiproxy-node-client. Every request has a timeout and every call bounded retries with backoff, because a real
 * Toxiproxy can hang when a toxic is removed under load. Calls are safe to retry: a toxic an earlier attempt added
 * is updated, one already gone counts as removed.
 */
import { Toxiproxy, type Proxy as ClientProxy } from 'toxiproxy-node-client';
import { systemClock, type Clock } from '../common/clock.ts';
import { FaultError } from '../common/errors.ts';
import { silentLogger, type Logger } from '../common/logger.ts';
import { retry } from '../common/retry.ts';
import {
  drillExtensionsNeeded,
  parseServerInfo,
  unsupportedMessage,
  type FaultRequirements,
  type ToxiproxyServerInfo,
} from './drill-extensions.ts';
import { roundIntegerAttributes } from './toxic-attributes.ts';
import type { ProxyJson, ProxyProtocol, ToxicAttributes, ToxicJson, ToxicStream, ToxicType } from './toxic-types.ts';
import { isTransient, TimedTransport, ToxiproxyHttpError } from './toxiproxy-transport.ts';

export interface ToxiproxyControlOptions {
  /** Timeout of each HTTP request, ms. Default 5_000. */
  timeoutMs?: number;
  /** Attempts per call, the first included. Default 3. */
  attempts?: number;
  /** Wait before the first retry, ms; doubles per retry up to 2_000. Default 200. */
  retryDelayMs?: number;
  clock?: Clock;
  logger?: Logger;
}

/** A proxy to set up. `protocol: 'udp'` needs drill's server. */
export interface ProxyDefinition {
  name: string;
  /** `127.0.0.1:port`; port 0 (the default) picks a free one. */
  listen?: string;
  /** `host:port` of the service (loopback). */
  upstream: string;
  enabled?: boolean;
  protocol?: ProxyProtocol;
}

/** A toxic to add. Name defaults to `<type>_<stream>`, stream to downstream, toxicity to 1. */
export interface ToxicDefinition {
  type: ToxicType;
  name?: string;
  stream?: ToxicStream;
  toxicity?: number;
  attributes: ToxicAttributes;
}

export class ToxiproxyControl {
  private readonly client: Toxiproxy;
  private readonly transport: TimedTransport;
  private readonly logger: Logger;

  constructor(
    /** Base URL of the API, e.g. http://127.0.0.1:8474. */
    readonly url: string,
    private readonly options: ToxiproxyControlOptions = {},
  ) {
    this.url = url.replace(/\/+$/, '');
    this.transport = new TimedTransport(options.timeoutMs ?? 5_000);
    this.client = new Toxiproxy(this.url);
    // The library's own HTTP client cannot time out; its classes only call get/post/delete/getText.
    this.client.api = this.transport as unknown as Toxiproxy['api'];
    this.logger = (options.logger ?? silentLogger).child('faults');
  }

  serverInfo(): Promise<ToxiproxyServerInfo> {
    return this.call('read the server version', async () => parseServerInfo(await this.client.getVersion()));
  }

  /** Throws a FaultError that says what needs drill's server when the server at `url` is a stock Toxiproxy. */
  async ensureSupports(requirements: FaultRequirements): Promise<void> {
    const needs = drillExtensionsNeeded(requirements);
    if (needs.length === 0) return;
    const info = await this.serverInfo();
    if (!info.extensions.includes('udp')) throw new FaultError(unsupportedMessage(this.url, info, needs));
  }

  /** Creates or keeps each proxy (POST /populate); proxies whose addresses changed are replaced. */
  async populate(proxies: ProxyDefinition[]): Promise<ProxyJson[]> {
    const body = proxies.map((p) => ({ listen: '127.0.0.1:0', enabled: true, ...p }));
    const result = await this.call('populate proxies', async () => {
      const response = await this.transport.post<{ proxies: ProxyJson[] }>(`${this.url}/populate`, body);
      return response.data.proxies;
    });
    await this.checkUdpKept(proxies, result);
    return result;
  }

  getProxy(name: string): Promise<ProxyJson> {
    return this.call(`read proxy ${name}`, async () => (await this.transport.get<ProxyJson>(this.proxyUrl(name))).data);
  }

  listProxies(): Promise<Record<string, ProxyJson>> {
    return this.call('list proxies', async () => (await this.transport.get<Record<string, ProxyJson>>(`${this.url}/proxies`)).data);
  }

  /** Adds a toxic. Attributes Toxiproxy decodes as integers (ms, bytes, KB/s, µs) are rounded, so computed values pass. */
  async addToxic(proxyName: string, toxic: ToxicDefinition): Promise<ToxicJson> {
    const stream = toxic.stream ?? 'downstream';
    const attributes = roundIntegerAttributes(toxic.type, toxic.attributes);
    const body = { name: toxic.name ?? `${toxic.type}_${stream}`, type: toxic.type, stream, toxicity: toxic.toxicity ?? 1, attributes };
    return this.call(`add toxic ${body.name} to proxy ${proxyName}`, async (attempt) => {
      const proxy = await this.client.get(proxyName);
      try {
        return (await proxy.addToxic(body as never)).toJson() as ToxicJson;
      } catch (error) {
        // A 409 after a lost answer means an earlier attempt added it: make it what was asked.
        if (attempt > 1 && error instanceof ToxiproxyHttpError && error.status === 409) {
          return this.patchToxic(proxy, body.name, { attributes: body.attributes, toxicity: body.toxicity });
        }
        throw this.explainRejectedToxic(error, toxic.type, proxyName);
      }
    });
  }

  /** Changes attributes (merged) and/or toxicity of a toxic. Integer attributes are rounded (see addToxic). */
  updateToxic(proxyName: string, toxicName: string, change: { attributes?: ToxicAttributes; toxicity?: number }): Promise<ToxicJson> {
    return this.call(`update toxic ${toxicName} on proxy ${proxyName}`, async () =>
      this.patchToxic(await this.client.get(proxyName), toxicName, change),
    );
  }

  /** Removes a toxic; one that is not there (or whose proxy is gone) counts as removed. */
  removeToxic(proxyName: string, toxicName: string): Promise<void> {
    return this.call(`remove toxic ${toxicName} from proxy ${proxyName}`, async () => {
      try {
        const proxy = await this.client.get(proxyName);
        await (await proxy.getToxic(toxicName)).remove();
      } catch (error) {
        if (!(error instanceof ToxiproxyHttpError && error.status === 404)) throw error;
        this.logger.debug(`Toxic ${toxicName} on ${proxyName} was already gone`);
      }
    });
  }

  /** `false` takes the proxy down (connections refused and dropped): a partition. */
  setEnabled(proxyName: string, enabled: boolean): Promise<void> {
    return this.call(`${enabled ? 'enable' : 'disable'} proxy ${proxyName}`, async () => {
      const proxy = await this.client.get(proxyName);
      await proxy.update({ enabled, listen: proxy.listen, upstream: proxy.upstream });
    });
  }

  /** Deletes a proxy; one that is not there counts as deleted. */
  deleteProxy(name: string): Promise<void> {
    return this.call(`delete proxy ${name}`, async () => {
      try {
        await this.transport.delete(this.proxyUrl(name));
      } catch (error) {
        if (!(error instanceof ToxiproxyHttpError && error.status === 404)) throw error;
      }
    });
  }

  /** Enables every proxy and removes every toxic (POST /reset). */
  reset(): Promise<void> {
    return this.call('reset', () => this.client.reset());
  }

  private proxyUrl(name: string): string {
    return `${this.url}/proxies/${encodeURIComponent(name)}`;
  }

  private async patchToxic(proxy: ClientProxy, name: string, change: { attributes?: ToxicAttributes; toxicity?: number }): Promise<ToxicJson> {
    const toxic = await proxy.getToxic<ToxicAttributes>(name);
    const current = toxic.toJson();
    const updated = await toxic.update({
      ...current,
      attributes: roundIntegerAttributes(current.type, { ...current.attributes, ...change.attributes }),
      toxicity: change.toxicity ?? current.toxicity,
    });
    return updated.toJson() as ToxicJson;
  }

  /** A stock Toxiproxy ignores `protocol` and makes a TCP proxy: undo that and say why. */
  private async checkUdpKept(asked: ProxyDefinition[], got: ProxyJson[]): Promise<void> {
    const lost = asked.filter((p) => p.protocol === 'udp' && got.find((g) => g.name === p.name)?.protocol !== 'udp');
    if (lost.length === 0) return;
    for (const proxy of lost) await this.deleteProxy(proxy.name).catch(() => undefined);
    const info = await this.serverInfo().catch(() => ({ version: 'of unknown version', drill: false, extensions: [] }));
    throw new FaultError(unsupportedMessage(this.url, info, lost.map((p) => `UDP proxy ${p.name}`)));
  }

  private explainRejectedToxic(error: unknown, type: string, proxyName: string): unknown {
    const rejectedType = error instanceof ToxiproxyHttpError && error.status === 400 && error.serverMessage === 'invalid toxic type';
    const needs = drillExtensionsNeeded({ toxics: [{ proxy: proxyName, type }] });
    if (!rejectedType || needs.length === 0) return error;
    return new FaultError(unsupportedMessage(this.url, { version: '(rejected the toxic type)', drill: false, extensions: [] }, needs), { cause: error });
  }

  /** Runs `operation` with bounded retries on transient failures; wraps the last failure in a FaultError. */
  private async call<T>(what: string, operation: (attempt: number) => Promise<T>): Promise<T> {
    const attempts = this.options.attempts ?? 3;
    try {
      return await retry(
        async (attempt) => {
          try {
            return await operation(attempt);
          } catch (error) {
            if (isTransient(error) && attempt < attempts) this.logger.debug(`Retrying ${what} (attempt ${attempt + 1} of ${attempts}): ${(error as Error).message}`);
            throw error;
          }
        },
        {
          attempts,
          initialDelayMs: this.options.retryDelayMs ?? 200,
          maxDelayMs: 2_000,
          clock: this.options.clock ?? systemClock,
          retryable: isTransient,
        },
      );
    } catch (error) {
      if (error instanceof FaultError && !(error instanceof ToxiproxyHttpError) && !isTransient(error)) throw error;
      const tries = isTransient(error) ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
      throw new ToxiproxyCallError(`Toxiproxy at ${this.url}: could not ${what}${tries}: ${(error as Error).message}`, error);
    }
  }
}

/** A control call that failed; `status` is the HTTP status when the server answered. */
export class ToxiproxyCallError extends FaultError {
  readonly status: number | undefined;
  /** The server's `{"error", "status"}` body, when it answered. */
  readonly body: unknown;

  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.status = cause instanceof ToxiproxyHttpError ? cause.status : undefined;
    this.body = cause instanceof ToxiproxyHttpError ? cause.body : undefined;
  }
}
