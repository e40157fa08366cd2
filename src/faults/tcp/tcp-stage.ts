/**
 * One toxic on one direction of one TCP connection. Stages form a chain (in toxic order) ending at the socket
 * the direction writes to; each receives chunks and the end of the stream, and hands them on to `next`.
 */
import type { Clock } from '../../common/clock.ts';
import type { Random } from '../../common/random.ts';
import type { Scheduler } from '../scheduler.ts';
import type { ToxicAttributes } from '../toxic-types.ts';

/** Where a stage sends its output: the next stage, or the destination socket. */
export interface ChunkSink {
  push(chunk: Buffer): void;
  /** The stream is over: no more chunks follow. */
  end(): void;
}

/** What a stage may do to its direction and connection. */
export interface StageContext {
  readonly clock: Clock;
  readonly random: Random;
  readonly scheduler: Scheduler;
  /** Counts bytes a stage holds back, so the link pauses its source when too much is held. */
  hold(bytes: number): void;
  release(bytes: number): void;
  /**
   * Toxiproxy's "close the stub": input from now on is dropped, the stream ends after what `next` already has,
   * and then the whole connection closes.
   */
  closeFrom(stage: TcpStage): void;
  /** Resets both sockets of the connection (RST to client and server). */
  reset(): void;
}

export abstract class TcpStage implements ChunkSink {
  /** Set by the link when the chain is (re)built. */
  next!: ChunkSink;

  constructor(
    protected readonly ctx: StageContext,
    protected attributes: ToxicAttributes,
  ) {}

  abstract push(chunk: Buffer): void;
  abstract end(): void;

  /** New attribute values from an update of the toxic; held data keeps its schedule. */
  update(attributes: ToxicAttributes): void {
    this.attributes = attributes;
  }

  /** The toxic was removed: hand on whatever is held, in order, and stop timers. */
  flush(): void {}

  /** The connection is gone: drop whatever is held and stop timers. */
  destroy(): void {}

  protected attr(name: string): number {
    return this.attributes[name] ?? 0;
  }
}
