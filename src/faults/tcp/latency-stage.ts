/**
 * `latency {latency, jitter}` (ms): every chunk leaves `latency ± jitter` ms after it arrived, in order
 * (a chunk never overtakes the one before it, as in Toxiproxy's sequential pipe).
 */
import { PacedQueue } from '../paced-queue.ts';
import { TcpStage, type StageContext } from './tcp-stage.ts';
import type { ToxicAttributes } from '../toxic-types.ts';

const END = Symbol('end');

export class LatencyStage extends TcpStage {
  private readonly queue: PacedQueue<Buffer | typeof END>;

  constructor(ctx: StageContext, attributes: ToxicAttributes) {
    super(ctx, attributes);
    this.queue = new PacedQueue(ctx.scheduler, ctx.clock, (item) => {
      if (item === END) return this.next.end();
      this.ctx.release(item.length);
      this.next.push(item);
    });
  }

  /** Uniform in [latency - jitter, latency + jitter), never negative. */
  private delayMs(): number {
    const jitter = this.attr('jitter');
    const spread = jitter > 0 ? (this.ctx.random.next() * 2 - 1) * jitter : 0;
    return Math.max(0, this.attr('latency') + spread);
  }

  push(chunk: Buffer): void {
    this.ctx.hold(chunk.length);
    this.queue.push(chunk, this.ctx.clock.nowMs() + this.delayMs());
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
