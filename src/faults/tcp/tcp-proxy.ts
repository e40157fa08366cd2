/**
 * A Toxiproxy TCP proxy: accepts on 127.0.0.1 and opens one upstream connection per client connection, once the
 * upstream passed the loopback rule (a refused client is closed at once, before any connect).
 */
import net from 'node:net';
import { FaultProxy } from '../fault-proxy.ts';
import type { HostPort } from '../proxy-address.ts';
import { checkUpstream, quickVerdict, type UpstreamVerdict } from '../upstream-guard.ts';
import { TcpConnection } from './tcp-connection.ts';

const ignore = (): void => undefined;

export class TcpProxy extends FaultProxy {
  readonly protocol = 'tcp';
  private server: net.Server | undefined;
  private readonly connections = new Set<TcpConnection>();
  /** Clients waiting for their upstream's name to resolve. */
  private readonly resolving = new Set<net.Socket>();

  protected open(): Promise<number> {
    const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.listenAddress.host, port: this.listenAddress.port, exclusive: true }, () => {
        server.off('error', reject);
        server.on('error', (error) => this.deps.logger.warn(`Proxy ${this.name}: ${error.message}`));
        this.server = server;
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  protected async shut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of this.resolving) socket.destroy();
    this.resolving.clear();
    const dropped = [...this.connections].map((connection) => {
      connection.destroy();
      return connection.closed;
    });
    await Promise.all([closed, ...dropped]);
  }

  private accept(socket: net.Socket): void {
    if (!this.enabled) {
      socket.destroy();
      return;
    }
    const quick = quickVerdict(this.upstreamAddress, this.deps.upstreamRule.allowNonLoopback);
    if (quick) return this.dial(socket, quick);
    // The client's data waits in its socket (nothing reads it yet); a reset meanwhile must not throw.
    socket.on('error', ignore);
    this.resolving.add(socket);
    void checkUpstream(this.upstreamAddress, this.deps.upstreamRule).then((verdict) => {
      socket.off('error', ignore);
      if (!this.resolving.delete(socket) || socket.destroyed) return;
      this.dial(socket, verdict);
    });
  }

  private dial(socket: net.Socket, verdict: UpstreamVerdict): void {
    if ('refused' in verdict) {
      this.refuse(`a connection from ${socket.remoteAddress}:${socket.remotePort}`, verdict.refused);
      socket.destroy();
      return;
    }
    this.connect(socket, verdict.dial);
  }

  private connect(socket: net.Socket, upstream: HostPort): void {
    const connection = new TcpConnection(socket, upstream, this.toxics, {
      ...this.deps,
      metrics: this.metrics,
      logger: this.deps.logger,
    });
    this.metrics.connectionsTotal++;
    this.metrics.openConnections++;
    this.connections.add(connection);
    void connection.closed.then(() => this.connections.delete(connection));
  }
}
