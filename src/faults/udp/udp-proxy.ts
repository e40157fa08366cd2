/**
 * A UDP proxy (drill extension): binds 127.0.0.1, keeps one session (and upstream socket) per client address,
 * and closes sessions idle longer than `udpSessionIdleMs`. Disabling it closes the port and every session, so
 * datagrams sent meanwhile are lost: a partition. A session opens only when the upstream passes the loopback rule; a
 * UDP upstream's name is not resolved, so it must be a loopback address or `localhost` unless the rule is lifted.
 */
import dgram from 'node:dgram';
import { FaultProxy } from '../fault-proxy.ts';
import type { HostPort } from '../proxy-address.ts';
import type { ScheduledTask } from '../scheduler.ts';
import { quickVerdict } from '../upstream-guard.ts';
import { UdpSession } from './udp-session.ts';

/** New client addresses beyond this many open sessions are ignored (their datagrams dropped). */
const MAX_SESSIONS = 4_096;
/** Socket receive buffer, bytes (the kernel caps it at net.core.rmem_max): bursts must not overflow before a toxic sees them. */
export const UDP_RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export class UdpProxy extends FaultProxy {
  readonly protocol = 'udp';
  private socket: dgram.Socket | undefined;
  private readonly sessions = new Map<string, UdpSession>();
  private sweep: ScheduledTask | undefined;
  private readonly refusedClients = new Set<string>();

  protected open(): Promise<number> {
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: UDP_RECEIVE_BUFFER_BYTES });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: this.listenAddress.host, port: this.listenAddress.port, exclusive: true }, () => {
        socket.off('error', reject);
        socket.on('error', (error) => this.deps.logger.warn(`Proxy ${this.name}: ${error.message}`));
        socket.on('message', (datagram, from) => this.onDatagram(datagram, { host: from.address, port: from.port }));
        this.socket = socket;
        resolve(socket.address().port);
      });
    });
  }

  protected async shut(): Promise<void> {
    this.sweep?.cancel();
    this.sweep = undefined;
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
    this.refusedClients.clear();
    this.metrics.openConnections = 0;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  private onDatagram(datagram: Buffer, from: HostPort): void {
    const key = `${from.host}:${from.port}`;
    let session = this.sessions.get(key);
    if (!session) {
      if (this.sessions.size >= MAX_SESSIONS || !this.socket) {
        this.metrics.upstream.droppedDatagrams++;
        return;
      }
      const verdict = quickVerdict(this.upstreamAddress, this.deps.upstreamRule.allowNonLoopback);
      if (!verdict || 'refused' in verdict) {
        this.metrics.upstream.droppedDatagrams++;
        // Counted and logged once per client address, not per datagram.
        if (this.refusedClients.size < MAX_SESSIONS && !this.refusedClients.has(key)) {
          this.refusedClients.add(key);
          this.refuse(`a session from ${key}`, verdict?.refused ?? `${this.upstreamAddress.host} is a name, and UDP upstreams are not resolved`);
        }
        return;
      }
      session = this.openSession(from, this.socket);
      this.sessions.set(key, session);
    }
    session.fromClient(datagram);
  }

  private openSession(client: HostPort, listener: dgram.Socket): UdpSession {
    const upstream = this.upstreamAddress.host === 'localhost' ? { ...this.upstreamAddress, host: '127.0.0.1' } : this.upstreamAddress;
    const session = new UdpSession(client, upstream, this.toxics, {
      ...this.deps,
      metrics: this.metrics,
      listener,
      receiveBufferBytes: UDP_RECEIVE_BUFFER_BYTES,
      onError: (message) => this.deps.logger.debug(`Proxy ${this.name}: ${message}`),
    });
    this.metrics.connectionsTotal++;
    this.metrics.openConnections++;
    this.armSweep();
    return session;
  }

  /** Checks for idle sessions while there are any; stops by itself when none is left. */
  private armSweep(): void {
    if (this.sweep) return;
    const idleMs = this.deps.udpSessionIdleMs;
    this.sweep = this.deps.scheduler.after(Math.min(idleMs, 5_000), () => {
      this.sweep = undefined;
      const now = this.deps.clock.nowMs();
      for (const [key, session] of this.sessions) {
        if (now - session.lastActiveMs < idleMs) continue;
        session.close();
        this.sessions.delete(key);
        this.metrics.openConnections--;
      }
      if (this.sessions.size > 0) this.armSweep();
    });
  }
}
