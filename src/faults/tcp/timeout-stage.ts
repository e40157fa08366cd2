/**
 * `timeout {timeout}` (ms): no data gets through (it is dropped, as in Toxiproxy). With `timeout > 0` the
 * connection closes once no data has arrived for `timeout` ms (Toxiproxy restarts its timer on each chunk);
 * with 0 it stays open. Removing the toxic closes the connection, as Toxiproxy's cleanup does: the peer has
 * missed data, so the stream cannot go on.
 */
import type { ScheduledTask } from '../scheduler.ts';
import { TcpStage, type StageContext } from './tcp-stage.ts';
import type { ToxicAttributes } from '../toxic-types.ts';

export class TimeoutStage extends TcpStage {
  private timer: ScheduledTask | undefined;
  private closed = false;

  constructor(ctx: StageContext, attributes: ToxicAttributes) {
    super(ctx, attributes);
    this.arm();
  }

  private arm(): void {
    this.timer?.cancel();
    this.timer = undefined;
    const timeout = this.attr('timeout');
    if (timeout > 0 && !this.closed) this.timer = this.ctx.scheduler.after(timeout, () => this.close());
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.ctx.closeFrom(this);
  }

  push(): void {
    this.arm();
  }

  end(): void {
    this.close();
  }

  override update(attributes: ToxicAttributes): void {
    super.update(attributes);
    this.arm();
  }

  override flush(): void {
    this.close();
  }

  override destroy(): void {
    this.closed = true;
    this.timer?.cancel();
  }
}
