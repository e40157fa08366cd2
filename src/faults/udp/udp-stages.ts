/**
 * The UDP toxics (drill extensions, with netem-like semantics):
 * - `latency {latency, jitter}` (ms): each datagram is delayed latency ± jitter on its own, so jitter reorders.
 * - `loss {probability, correlation}`: burst loss, see gilbert-elliott.ts.
 * - `duplicate {probability}`: the datagram is sent a second time with this probability.
 * - `reorder {probability, delay}` (ms): with this probability the datagram is held `delay` ms, letting later ones pass.
 * - `bandwidth {rate}` (KB/s, 0 = unlimited): datagrams leave at `rate`; a datagram that would queue behind more
 *   than 64 KiB is dropped (a router's tail drop), so a slow link loses datagrams instead of buffering without bound.
 */
import { PacedQueue } from '../paced-queue.ts';
import type { ToxicSpec } from '../toxic-spec.ts';
import type { UdpToxicType } from '../toxic-types.ts';
import { DelayedDatagrams } from './delayed-datagrams.ts';
import { DatagramStage, type DatagramContext } from './datagram-stage.ts';
import { GilbertElliottLoss } from './gilbert-elliott.ts';

export class UdpLatencyStage extends DatagramStage {
  private readonly delayed = new DelayedDatagrams(this.ctx.scheduler, (d) => this.next.push(d));

  protected apply(datagram: Buffer): void {
    const jitter = this.attr('jitter');
    const spread = jitter > 0 ? (this.ctx.random.next() * 2 - 1) * jitter : 0;
    this.delayed.hold(datagram, this.ctx.clock.nowMs() + Math.max(0, this.attr('latency') + spread));
  }

  override flush(): void {
    this.delayed.flush();
  }

  override destroy(): void {
    this.delayed.clear();
  }
}

export class UdpLossStage extends DatagramStage {
  private readonly model = new GilbertElliottLoss(this.ctx.random, this.attr('probability'), this.attr('correlation'));

  protected apply(datagram: Buffer): void {
    if (this.model.next()) this.ctx.dropped();
    else this.next.push(datagram);
  }

  override update(spec: ToxicSpec): void {
    super.update(spec);
    this.model.configure(this.attr('probability'), this.attr('correlation'));
  }
}

export class UdpDuplicateStage extends DatagramStage {
  protected apply(datagram: Buffer): void {
    this.next.push(datagram);
    if (this.ctx.random.next() < this.attr('probability')) this.next.push(datagram);
  }
}

export class UdpReorderStage extends DatagramStage {
  private readonly delayed = new DelayedDatagrams(this.ctx.scheduler, (d) => this.next.push(d));

  protected apply(datagram: Buffer): void {
    if (this.ctx.random.next() < this.attr('probability')) {
      this.delayed.hold(datagram, this.ctx.clock.nowMs() + this.attr('delay'));
    } else {
      this.next.push(datagram);
    }
  }

  override flush(): void {
    this.delayed.flush();
  }

  override destroy(): void {
    this.delayed.clear();
  }
}

/** Bytes a bandwidth toxic queues before it drops. */
const QUEUE_LIMIT_BYTES = 64 * 1024;

export class UdpBandwidthStage extends DatagramStage {
  private readonly queue = new PacedQueue<Buffer>(this.ctx.scheduler, this.ctx.clock, (d) => {
    this.queuedBytes -= d.length;
    this.next.push(d);
  });
  private queuedBytes = 0;

  protected apply(datagram: Buffer): void {
    const rate = this.attr('rate');
    if (rate <= 0 && this.queue.size === 0) return this.next.push(datagram);
    if (this.queuedBytes + datagram.length > QUEUE_LIMIT_BYTES) return this.ctx.dropped();
    const now = this.ctx.clock.nowMs();
    const transmitMs = rate > 0 ? datagram.length / rate : 0;
    this.queuedBytes += datagram.length;
    this.queue.push(datagram, Math.max(now, this.queue.lastDueMs) + transmitMs);
  }

  override flush(): void {
    this.queue.flush();
  }

  override destroy(): void {
    this.queue.clear();
  }
}

const STAGES: Record<UdpToxicType, new (ctx: DatagramContext, spec: ToxicSpec) => DatagramStage> = {
  latency: UdpLatencyStage,
  loss: UdpLossStage,
  duplicate: UdpDuplicateStage,
  reorder: UdpReorderStage,
  bandwidth: UdpBandwidthStage,
};

export function createDatagramStage(spec: ToxicSpec, ctx: DatagramContext): DatagramStage {
  return new STAGES[spec.type as UdpToxicType](ctx, spec);
}
