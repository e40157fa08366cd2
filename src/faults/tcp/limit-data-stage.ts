/**
 * `limit_data {bytes}`: lets `bytes` bytes through (counted from when the toxic was added to the connection),
 * then closes the connection. The count survives attribute updates, as Toxiproxy's per-connection state does.
 */
import { TcpStage } from './tcp-stage.ts';

export class LimitDataStage extends TcpStage {
  private transmitted = 0;
  private closed = false;

  push(chunk: Buffer): void {
    if (this.closed) return;
    const remaining = this.attr('bytes') - this.transmitted;
    const piece = chunk.length > remaining ? chunk.subarray(0, Math.max(0, remaining)) : chunk;
    if (piece.length > 0) {
      this.transmitted += piece.length;
      this.next.push(piece);
    }
    if (this.transmitted >= this.attr('bytes')) {
      this.closed = true;
      this.ctx.closeFrom(this);
    }
  }

  end(): void {
    if (!this.closed) this.next.end();
  }
}
