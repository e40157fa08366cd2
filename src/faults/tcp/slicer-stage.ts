/**
 * `slicer {average_size, size_variation, delay}` (bytes, bytes, µs): cuts each chunk into pieces of about
 * `average_size` bytes and sends them `delay` µs apart. Pieces due within the same millisecond leave together
 * in separate writes (timers have millisecond resolution).
 */
import { PacedQueue } from '../paced-queue.ts';
import { sliceSizes } from './slice-sizes.ts';
import { TcpStage, type StageContext } from './tcp-stage.ts';
import type { ToxicAttributes } from '../toxic-types.ts';

const END = Symbol('end');

export class SlicerStage extends TcpStage {
  private readonly queue: PacedQueue<Buffer | typeof END>;
  /** Earliest time the next piece may leave, ms. */
  private nextFreeMs = Number.NEGATIVE_INFINITY;

  constructor(ctx: StageContext, attributes: ToxicAttributes) {
    super(ctx, attributes);
    this.queue = new PacedQueue(ctx.scheduler, ctx.clock, (item) => {
      if (item === END) return this.next.end();
      this.ctx.release(item.length);
      this.next.push(item);
    });
  }

  push(chunk: Buffer): void {
    const sizes = sliceSizes(chunk.length, this.attr('average_size'), this.attr('size_variation'), this.ctx.random);
    const gapMs = this.attr('delay') / 1000;
    let due = Math.max(this.ctx.clock.nowMs(), this.nextFreeMs);
    let offset = 0;
    this.ctx.hold(chunk.length);
    for (const size of sizes) {
      this.queue.push(chunk.subarray(offset, offset + size), due);
      offset += size;
      due += gapMs;
    }
    this.nextFreeMs = due;
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
