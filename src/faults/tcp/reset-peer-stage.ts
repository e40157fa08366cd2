/**
 * `reset_peer {timeout}` (ms): when the first data (or the end of the stream) reaches the toxic, it is dropped
 * and `timeout` ms later both sockets are reset (RST), so the client sees "connection reset by peer".
 * Data arriving meanwhile is dropped too. Unlike Toxiproxy, the reset is a real RST also on connections that
 * were open before the toxic was added.
 */
import type { ScheduledTask } from '../scheduler.ts';
import { TcpStage } from './tcp-stage.ts';

export class ResetPeerStage extends TcpStage {
  private pending: ScheduledTask | undefined;

  private trigger(): void {
    if (this.pending) return;
    this.pending = this.ctx.scheduler.after(this.attr('timeout'), () => this.ctx.reset());
  }

  push(): void {
    this.trigger();
  }

  end(): void {
    this.trigger();
  }

  override flush(): void {
    this.pending?.cancel();
  }

  override destroy(): void {
    this.pending?.cancel();
  }
}
