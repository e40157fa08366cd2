/**
 * Inbound user messages for the Signal workload: a seeded choice of sender and text, unique
 * (source, timestamp) pairs, and on request a re-emission of an earlier pair to exercise dedupe.
 */
import type { Random } from '../../common/random.ts';
import type { SignalWorkloadSpec } from '../../scenario/workload-schema.ts';
import type { InjectMessage } from '../../wire/signal.ts';

export interface GeneratedMessage {
  inject: InjectMessage;
  /** True when this arrival repeats an earlier (source, timestamp) and must not be answered again. */
  duplicate: boolean;
  expectReply: boolean;
  /** Key the reply is matched on: recipient of the reply and the quoted timestamp. */
  key: string;
}

export function replyKey(recipient: string, timestamp: number): string {
  return `${recipient}|${timestamp}`;
}

export class MessageGenerator {
  private readonly users: string[];
  private readonly lastTimestamp = new Map<string, number>();
  private readonly recent: GeneratedMessage[] = [];
  private readonly totalWeight: number;

  constructor(
    private readonly spec: SignalWorkloadSpec,
    private readonly random: Random,
  ) {
    this.users = Array.from({ length: spec.users }, (_, i) => `+1555${String(1_000_000 + i).padStart(7, '0')}`);
    this.totalWeight = spec.messages.reduce((sum, m) => sum + m.weight, 0);
  }

  /** The message of one arrival sent at wall time `atMs`. */
  next(atMs: number): GeneratedMessage {
    if (this.recent.length > 0 && this.random.next() < this.spec.duplicateShare) {
      const original = this.random.pick(this.recent);
      return { ...original, duplicate: true };
    }
    const source = this.random.pick(this.users);
    // Timestamps are ms; two arrivals of one sender in the same ms would collide, so they are made unique.
    const timestamp = Math.max(Math.floor(atMs), (this.lastTimestamp.get(source) ?? 0) + 1);
    this.lastTimestamp.set(source, timestamp);
    const text = this.pickText();
    const group = this.random.next() < this.spec.groupShare ? groupIdFor(source) : undefined;
    const message: GeneratedMessage = {
      inject: { source, timestamp, message: withPadding(text), sourceName: `User ${source.slice(-4)}`, ...(group ? { groupId: group } : {}) },
      duplicate: false,
      expectReply: text.expectReply,
      key: replyKey(group ?? source, timestamp),
    };
    this.recent.push(message);
    if (this.recent.length > 256) this.recent.shift();
    return message;
  }

  private pickText(): SignalWorkloadSpec['messages'][number] {
    let roll = this.random.next() * this.totalWeight;
    for (const message of this.spec.messages) {
      roll -= message.weight;
      if (roll < 0) return message;
    }
    return this.spec.messages.at(-1)!;
  }
}

/** The text a message of the mix is sent with: its text, then `padBytes` of filler. */
export function withPadding(message: SignalWorkloadSpec['messages'][number]): string {
  return message.padBytes > 0 ? `${message.text} ${'x'.repeat(message.padBytes)}` : message.text;
}

/** A stable base64 group id (32 raw bytes, as signal-cli's) per sender, for group messages. */
function groupIdFor(source: string): string {
  return Buffer.alloc(32, source).toString('base64');
}
