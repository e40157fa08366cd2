/**
 * `loss {probability, correlation, rto}` on TCP (a drill extension). TCP does not lose bytes: a lost segment is
 * sent again after the retransmission timeout, and everything behind it waits (head-of-line blocking). So a
 * chunk judged lost (Gilbert–Elliott, as the UDP `loss` toxic: `probability` is the long-run share,
 * `correlation` makes losses come in bursts) leaves `rto` ms later (0 or unset: 200, Linux's minimum RTO), doubled
 * for each further loss in a row as TCP backs off, capped at 60 s; the chunks after it keep their order.
 * The application sees stalls and latency spikes, not corrupted streams.
 */
import { PacedQueue } from '../paced-queue.ts';
import type { ToxicAttributes } from '../toxic-types.ts';
import { GilbertElliottLoss } from '../udp/gilbert-elliott.ts';
import { TcpStage, type StageContext } from './tcp-stage.ts';

const END = Symbol('end');
const DEFAULT_RTO_MS = 200;
const MAX_RTO_MS = 60_000;

export class LossStage extends TcpStage {
  private readonly queue: PacedQueue<Buffer | typeof END>;
  private readonly channel: GilbertElliottLoss;
  private lostInARow = 0;

  constructor(ctx: StageContext, attributes: ToxicAttributes) {
    super(ctx, attributes);
    this.channel = new GilbertElliottLoss(ctx.random, this.attr('probability'), this.attr('correlation'));
    this.queue = new PacedQueue(ctx.scheduler, ctx.clock, (item) => {
      if (item === END) return this.next.end();
      this.ctx.release(item.length);
      this.next.push(item);
    });
  }

  override update(attributes: ToxicAttributes): void {
    super.update(attributes);
    this.channel.configure(this.attr('probability'), this.attr('correlation'));
  }

  /** Extra delay of the next chunk: 0 when it gets through, the backed-off RTO when it is lost. */
  private retransmitDelayMs(): number {
    if (!this.channel.next()) {
      this.lostInARow = 0;
      return 0;
    }
    const rto = this.attr('rto') || DEFAULT_RTO_MS;
    const delay = Math.min(MAX_RTO_MS, rto * 2 ** this.lostInARow);
    this.lostInARow++;
    return delay;
  }

  push(chunk: Buffer): void {
    this.ctx.hold(chunk.length);
    this.queue.push(chunk, this.ctx.clock.nowMs() + this.retransmitDelayMs());
  }

  end(): void {
    this.queue.push(END, this.ctx.clock.nowMs());
  }

  override flush(): void {
    this.queue.flush();
  }

  override destroy(): void {
    this.queue.clear();
  }
}
