/** `slow_close {delay}` (ms): data passes at once; the end of the stream is held back `delay` ms. */
import { PacedQueue } from '../paced-queue.ts';
import { TcpStage, type StageContext } from './tcp-stage.ts';
import type { ToxicAttributes } from '../toxic-types.ts';

const END = Symbol('end');

export class SlowCloseStage extends TcpStage {
  private readonly queue: PacedQueue<typeof END>;

  constructor(ctx: StageContext, attributes: ToxicAttributes) {
    super(ctx, attributes);
    this.queue = new PacedQueue(ctx.scheduler, ctx.clock, () => this.next.end());
  }

  push(chunk: Buffer): void {
    this.next.push(chunk);
  }

  end(): void {
    this.queue.push(END, this.ctx.clock.nowMs() + this.attr('delay'));
  }

  override flush(): void {
    this.queue.flush();
  }

  override destroy(): void {
    this.queue.clear();
  }
}
