/**
 * One client address of a UDP proxy: its own socket towards the upstream (so replies can be told apart) and a
 * datagram chain per direction.
 */
import dgram from 'node:dgram';
import type { HostPort } from '../proxy-address.ts';
import type { ProxyMetrics } from '../proxy-metrics.ts';
import type { ToxicChange, ToxicCollection } from '../toxic-collection.ts';
import { DatagramChain } from './datagram-chain.ts';
import type { DatagramContext } from './datagram-stage.ts';

export interface UdpSessionDeps extends Omit<DatagramContext, 'dropped'> {
  metrics: ProxyMetrics;
  /** The proxy's listening socket: replies to the client leave from it. */
  listener: dgram.Socket;
  /** Receive buffer of the socket towards the upstream, bytes. */
  receiveBufferBytes: number;
  onError(message: string): void;
}

export class UdpSession {
  /** Monotonic time of the last datagram in either direction, ms. */
  lastActiveMs: number;
  private readonly socket: dgram.Socket;
  private readonly toUpstream: DatagramChain;
  private readonly toClient: DatagramChain;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly client: HostPort,
    private readonly upstream: HostPort,
    toxics: ToxicCollection,
    private readonly deps: UdpSessionDeps,
  ) {
    this.lastActiveMs = deps.clock.nowMs();
    const { metrics } = deps;
    this.socket = dgram.createSocket({ type: upstream.host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: deps.receiveBufferBytes });
    this.socket.on('error', (error) => deps.onError(`session ${client.host}:${client.port}: ${error.message}`));
    this.socket.on('message', (datagram, from) => this.fromUpstream(datagram, from));
    this.socket.bind(0, upstream.host.includes(':') ? '::1' : '127.0.0.1');
    const ctx = (counters: typeof metrics.upstream): DatagramContext => ({ ...deps, dropped: () => counters.droppedDatagrams++ });
    this.toUpstream = new DatagramChain(toxics.chain('upstream'), ctx(metrics.upstream), {
      push: (datagram) => this.send(this.socket, datagram, upstream, metrics.upstream),
    });
    this.toClient = new DatagramChain(toxics.chain('downstream'), ctx(metrics.downstream), {
      push: (datagram) => this.send(deps.listener, datagram, client, metrics.downstream),
    });
    this.unsubscribe = toxics.subscribe((change: ToxicChange) => {
      (change.toxic.stream === 'upstream' ? this.toUpstream : this.toClient).apply(change);
    });
  }

  /** A datagram from the client. */
  fromClient(datagram: Buffer): void {
    this.lastActiveMs = this.deps.clock.nowMs();
    const counters = this.deps.metrics.upstream;
    counters.receivedDatagrams++;
    counters.receivedBytes += datagram.length;
    this.toUpstream.push(datagram);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.toUpstream.destroy();
    this.toClient.destroy();
    this.socket.close();
  }

  private fromUpstream(datagram: Buffer, from: dgram.RemoteInfo): void {
    if (from.port !== this.upstream.port) return;
    this.lastActiveMs = this.deps.clock.nowMs();
    const counters = this.deps.metrics.downstream;
    counters.receivedDatagrams++;
    counters.receivedBytes += datagram.length;
    this.toClient.push(datagram);
  }

  private send(socket: dgram.Socket, datagram: Buffer, to: HostPort, counters: typeof this.deps.metrics.upstream): void {
    if (this.closed) return;
    counters.sentDatagrams++;
    counters.sentBytes += datagram.length;
    socket.send(datagram, to.port, to.host);
  }
}
