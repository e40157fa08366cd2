/** The toxic stages of one direction of one UDP session, in toxic order, ending at the socket that sends. */
import type { ToxicChange } from '../toxic-collection.ts';
import type { ToxicSpec } from '../toxic-spec.ts';
import { createDatagramStage } from './udp-stages.ts';
import type { DatagramContext, DatagramSink, DatagramStage } from './datagram-stage.ts';

export class DatagramChain implements DatagramSink {
  private stages: { name: string; stage: DatagramStage }[] = [];
  private head: DatagramSink;

  constructor(
    toxics: ToxicSpec[],
    private readonly ctx: DatagramContext,
    private readonly sink: DatagramSink,
  ) {
    this.head = sink;
    for (const spec of toxics) this.stages.push({ name: spec.name, stage: createDatagramStage(spec, ctx) });
    this.relink();
  }

  push(datagram: Buffer): void {
    this.head.push(datagram);
  }

  apply(change: ToxicChange): void {
    const { toxic } = change;
    if (change.kind === 'add') {
      this.stages.push({ name: toxic.name, stage: createDatagramStage(toxic, this.ctx) });
    } else if (change.kind === 'update') {
      this.stages.find((s) => s.name === toxic.name)?.stage.update(toxic);
    } else {
      const entry = this.stages.find((s) => s.name === toxic.name);
      if (!entry) return;
      entry.stage.flush();
      this.stages = this.stages.filter((s) => s !== entry);
    }
    this.relink();
  }

  destroy(): void {
    for (const { stage } of this.stages) stage.destroy();
  }

  private relink(): void {
    let next: DatagramSink = this.sink;
    for (let i = this.stages.length - 1; i >= 0; i--) {
      const stage = this.stages[i]!.stage;
      stage.next = next;
      next = stage;
    }
    this.head = next;
  }
}
