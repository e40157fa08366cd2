/**
 * One proxied TCP connection: the client socket, the socket to the upstream, and a link per direction.
 * Half-closes pass through (a FIN is forwarded after the data held before it); when one socket is gone, the
 * other direction delivers what it holds and ends; a toxic that closes (timeout, limit_data) closes both sides.
 */
import net from 'node:net';
import type { Logger } from '../../common/logger.ts';
import type { HostPort } from '../proxy-address.ts';
import type { ProxyMetrics } from '../proxy-metrics.ts';
import type { ToxicChange, ToxicCollection } from '../toxic-collection.ts';
import type { ToxicStream } from '../toxic-types.ts';
import { TcpLink } from './tcp-link.ts';
import type { StageContext } from './tcp-stage.ts';

/** After a toxic closed the connection, sockets still open this long are destroyed. */
const CLOSE_GRACE_MS = 2_000;

export interface TcpConnectionDeps extends Pick<StageContext, 'clock' | 'random' | 'scheduler'> {
  metrics: ProxyMetrics;
  logger: Logger;
}

export class TcpConnection {
  private readonly upstreamSocket: net.Socket;
  private readonly links: Record<ToxicStream, TcpLink>;
  private readonly unsubscribe: () => void;
  private closedCount = 0;
  private resolveClosed!: () => void;
  /** Resolves once both sockets are closed. */
  readonly closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  constructor(
    private readonly client: net.Socket,
    upstream: HostPort,
    toxics: ToxicCollection,
    private readonly deps: TcpConnectionDeps,
  ) {
    this.upstreamSocket = net.connect({ host: upstream.host, port: upstream.port, allowHalfOpen: true, noDelay: true });
    client.setNoDelay(true);
    const events = { finished: (link: TcpLink, close: boolean) => this.onFinished(link, close), reset: () => this.reset() };
    this.links = {
      upstream: new TcpLink(client, this.upstreamSocket, deps.metrics.upstream, deps, events),
      downstream: new TcpLink(this.upstreamSocket, client, deps.metrics.downstream, deps, events),
    };
    this.links.upstream.start(toxics.chain('upstream'));
    this.links.downstream.start(toxics.chain('downstream'));
    this.unsubscribe = toxics.subscribe((change) => this.apply(change));
    this.watch(client, 'client', this.links.upstream, this.links.downstream);
    this.watch(this.upstreamSocket, 'upstream', this.links.downstream, this.links.upstream);
  }

  /** Drops the connection at once (proxy disabled, deleted or stopped). */
  destroy(): void {
    this.client.destroy();
    this.upstreamSocket.destroy();
  }

  /** Resets both sockets: each peer sees ECONNRESET. */
  reset(): void {
    for (const socket of [this.client, this.upstreamSocket]) {
      if (!socket.destroyed) socket.resetAndDestroy();
    }
  }

  private apply(change: ToxicChange): void {
    const link = this.links[change.toxic.stream];
    if (change.kind === 'add') link.addToxic(change.toxic);
    else if (change.kind === 'update') link.updateToxic(change.toxic);
    else link.removeToxic(change.toxic.name);
  }

  /** `reading` carries data from `socket`; `writing` carries data to it. */
  private watch(socket: net.Socket, role: string, reading: TcpLink, writing: TcpLink): void {
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.deps.logger.debug(`${role} socket: ${error.code ?? error.message}`);
      if (role === 'upstream' && error.code === 'ECONNREFUSED') this.client.destroy();
    });
    socket.on('close', () => {
      reading.onSourceEnd();
      writing.abort();
      if (++this.closedCount === 2) this.onClosed();
    });
  }

  private onFinished(link: TcpLink, closeConnection: boolean): void {
    if (!closeConnection) return;
    // A toxic closed this direction: close the other side too, as Toxiproxy closes both sockets.
    const other = link === this.links.upstream ? this.links.downstream : this.links.upstream;
    other.abort();
    const source = link === this.links.upstream ? this.client : this.upstreamSocket;
    source.end();
    this.deps.scheduler.after(CLOSE_GRACE_MS, () => this.destroy());
  }

  private onClosed(): void {
    this.unsubscribe();
    this.links.upstream.abort();
    this.links.downstream.abort();
    this.deps.metrics.openConnections--;
    this.resolveClosed();
  }
}
