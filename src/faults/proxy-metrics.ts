/** Traffic counters of one proxy, per direction, read by `GET /metrics`. */
import type { ToxicStream } from './toxic-types.ts';

export interface DirectionCounters {
  /** Bytes read from the sending side (client for upstream, server for downstream). */
  receivedBytes: number;
  /** Bytes written to the receiving side. */
  sentBytes: number;
  /** Datagrams read (UDP only). */
  receivedDatagrams: number;
  /** Datagrams written (UDP only; a duplicated datagram counts twice). */
  sentDatagrams: number;
  /** Datagrams dropped by a toxic or a full queue (UDP only). */
  droppedDatagrams: number;
}

export class ProxyMetrics {
  readonly upstream: DirectionCounters = emptyCounters();
  readonly downstream: DirectionCounters = emptyCounters();
  /** Connections accepted (TCP) or sessions opened (UDP) since the proxy was created. */
  connectionsTotal = 0;
  /** Connections (TCP) or sessions (UDP) open now. */
  openConnections = 0;
  /** Connections closed (TCP) or sessions not opened (UDP) at once because the upstream is outside loopback. */
  refusedConnections = 0;

  direction(stream: ToxicStream): DirectionCounters {
    return stream === 'upstream' ? this.upstream : this.downstream;
  }
}

function emptyCounters(): DirectionCounters {
  return { receivedBytes: 0, sentBytes: 0, receivedDatagrams: 0, sentDatagrams: 0, droppedDatagrams: 0 };
}
