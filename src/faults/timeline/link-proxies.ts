/**
 * One proxy per directed link (`<from>_to_<to>`), created on the fault server before the stack starts.
 * The linking service is handed the proxy's address instead of the target's, so a fault acts on exactly one
 * link and the address stays the same when the target restarts.
 */
import type { PortBinding } from '../../runtime/runtime.ts';
import { linkName, type LinkRouter } from '../../runtime/stack-plan.ts';
import type { LinkSpec } from '../../scenario/service-schema.ts';
import type { ToxiproxyControl } from '../toxiproxy-control.ts';

export interface ProxiedLink {
  name: string;
  from: string;
  to: string;
  protocol: 'tcp' | 'udp';
  /** Where the proxy listens. */
  listen: PortBinding;
  /** The target's own address. */
  upstream: PortBinding;
}

export class LinkProxies implements LinkRouter {
  readonly links = new Map<string, ProxiedLink>();

  constructor(private readonly control: ToxiproxyControl) {}

  async route(link: LinkSpec & { port: string }, target: PortBinding): Promise<PortBinding> {
    const name = linkName(link);
    const [proxy] = await this.control.populate([
      { name, listen: '127.0.0.1:0', upstream: `${target.host}:${target.port}`, ...(link.protocol === 'udp' ? { protocol: 'udp' as const } : {}) },
    ]);
    const port = Number(proxy!.listen.slice(proxy!.listen.lastIndexOf(':') + 1));
    const listen: PortBinding = { ...target, port };
    this.links.set(name, { name, from: link.from, to: link.to, protocol: link.protocol, listen, upstream: target });
    return listen;
  }

  /** Deletes every proxy this run created (on an external server; the embedded one goes away whole). */
  async deleteAll(): Promise<void> {
    for (const name of this.links.keys()) await this.control.deleteProxy(name);
  }
}
