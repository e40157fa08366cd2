/** A Toxiproxy TCP proxy: accepts on 127.0.0.1 and opens one upstream connection per client connection. */
import net from 'node:net';
import { FaultProxy } from '../fault-proxy.ts';
import { TcpConnection } from './tcp-connection.ts';

export class TcpProxy extends FaultProxy {
  readonly protocol = 'tcp';
  private server: net.Server | undefined;
  private readonly connections = new Set<TcpConnection>();

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
    const connection = new TcpConnection(socket, this.upstreamAddress, this.toxics, {
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
