/**
 * One toxic on one direction of one UDP session. Each datagram meets the toxic with probability `toxicity`
 * (decided per datagram: a datagram is the unit of UDP traffic); otherwise it passes untouched.
 */
import type { Clock } from '../../common/clock.ts';
import type { Random } from '../../common/random.ts';
import type { Scheduler } from '../scheduler.ts';
import type { ToxicSpec } from '../toxic-spec.ts';

export interface DatagramSink {
  push(datagram: Buffer): void;
}

export interface DatagramContext {
  readonly clock: Clock;
  readonly random: Random;
  readonly scheduler: Scheduler;
  /** Counts a datagram a toxic dropped. */
  dropped(): void;
}

export abstract class DatagramStage implements DatagramSink {
  /** Set when the chain is (re)built. */
  next!: DatagramSink;

  constructor(
    protected readonly ctx: DatagramContext,
    protected spec: ToxicSpec,
  ) {}

  push(datagram: Buffer): void {
    const toxicity = this.spec.toxicity;
    if (toxicity >= 1 || (toxicity > 0 && this.ctx.random.next() < toxicity)) this.apply(datagram);
    else this.next.push(datagram);
  }

  protected abstract apply(datagram: Buffer): void;

  update(spec: ToxicSpec): void {
    this.spec = spec;
  }

  /** The toxic was removed: deliver held datagrams now, in their order. */
  flush(): void {}

  /** The session is gone: drop held datagrams. */
  destroy(): void {}

  protected attr(name: string): number {
    return this.spec.attributes[name] ?? 0;
  }
}
