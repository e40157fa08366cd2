/**
 * `bandwidth {rate}` (KB/s, 1 KB = 1000 bytes; 0 = unlimited): each chunk leaves once the link would have
 * transmitted it at `rate`. Chunks bigger than 100 ms worth of data are cut into 100 ms pieces, as Toxiproxy does,
 * so a slow link still delivers a steady stream.
 */
import { PacedQueue } from '../paced-queue.ts';
import { TcpStage, type StageContext } from './tcp-stage.ts';
import type { ToxicAttributes } from '../toxic-types.ts';

const END = Symbol('end');
const PIECE_MS = 100;

export class BandwidthStage extends TcpStage {
  private readonly queue: PacedQueue<Buffer | typeof END>;

  constructor(ctx: StageContext, attributes: ToxicAttributes) {
    super(ctx, attributes);
    this.queue = new PacedQueue(ctx.scheduler, ctx.clock, (item) => {
      if (item === END) return this.next.end();
      this.ctx.release(item.length);
      this.next.push(item);
    });
  }

  push(chunk: Buffer): void {
    const rate = this.attr('rate');
    const now = this.ctx.clock.nowMs();
    if (rate <= 0) {
      if (this.queue.size === 0) return this.next.push(chunk);
      this.ctx.hold(chunk.length);
      return this.queue.push(chunk, now);
    }
    this.ctx.hold(chunk.length);
    // `rate` KB/s is `rate` bytes per millisecond.
    const pieceBytes = rate * PIECE_MS;
    let due = Math.max(now, this.queue.lastDueMs);
    for (let offset = 0; offset < chunk.length; offset += pieceBytes) {
      const piece = chunk.subarray(offset, offset + pieceBytes);
      due += piece.length / rate;
      this.queue.push(piece, due);
    }
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
