/**
 * The proxies of one fault server by name, with Toxiproxy's create, populate, delete and reset semantics.
 * Mutations run one at a time (as Toxiproxy's collection lock does), so concurrent API calls cannot race.
 */
import { ApiError } from './api-error.ts';
import { checkRoom, MAX_PROXIES } from './api-limits.ts';
import type { FaultProxy, ProxyConfig, ProxyDeps } from './fault-proxy.ts';
import { TcpProxy } from './tcp/tcp-proxy.ts';
import { UdpProxy } from './udp/udp-proxy.ts';

/** A proxy to create: the config plus whether it starts enabled. */
export interface ProxyRequest extends ProxyConfig {
  enabled: boolean;
}

export class ProxyCollection {
  private readonly proxies = new Map<string, FaultProxy>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ProxyDeps) {}

  list(): FaultProxy[] {
    return [...this.proxies.values()];
  }

  get(name: string): FaultProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw ApiError.proxyNotFound();
    return proxy;
  }

  /** Runs `operation` after every mutation queued before it. */
  serialize<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  create(request: ProxyRequest): Promise<FaultProxy> {
    return this.serialize(async () => {
      if (this.proxies.has(request.name)) throw ApiError.proxyExists();
      checkRoom(this.proxies.size, 1, MAX_PROXIES, 'the fault server');
      const proxy = this.build(request);
      if (request.enabled) await proxy.start();
      this.proxies.set(proxy.name, proxy);
      return proxy;
    });
  }

  /**
   * Toxiproxy's /populate: every entry is validated first; then each proxy is created, kept as it is when its
   * listen, upstream (and protocol) did not change, or replaced (dropping its connections and toxics) when they did.
   */
  populate(requests: ProxyRequest[]): Promise<FaultProxy[]> {
    return this.serialize(async () => {
      const added = requests.filter((request) => !this.proxies.has(request.name)).length;
      checkRoom(this.proxies.size, added, MAX_PROXIES, 'the fault server');
      const built = requests.map((request) => ({ request, proxy: this.build(request) }));
      const result: FaultProxy[] = [];
      for (const { request, proxy } of built) {
        const existing = this.proxies.get(request.name);
        if (existing?.sameAs(request)) {
          result.push(existing);
          continue;
        }
        if (existing) {
          await existing.close();
          this.proxies.delete(request.name);
        }
        if (request.enabled) await proxy.start();
        this.proxies.set(proxy.name, proxy);
        result.push(proxy);
      }
      return result;
    });
  }

  remove(name: string): Promise<void> {
    return this.serialize(async () => {
      const proxy = this.get(name);
      this.proxies.delete(name);
      await proxy.close();
    });
  }

  /** Toxiproxy's /reset: every proxy enabled again, every toxic removed. */
  reset(): Promise<void> {
    return this.serialize(async () => {
      for (const proxy of this.proxies.values()) {
        await proxy.start();
        proxy.toxics.clear();
      }
    });
  }

  /** Closes every proxy (the server stops). */
  closeAll(): Promise<void> {
    return this.serialize(async () => {
      const proxies = [...this.proxies.values()];
      this.proxies.clear();
      await Promise.all(proxies.map((proxy) => proxy.close()));
    });
  }

  private build(request: ProxyRequest): FaultProxy {
    return request.protocol === 'udp' ? new UdpProxy(request, this.deps) : new TcpProxy(request, this.deps);
  }
}
