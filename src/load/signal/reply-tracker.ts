/**
 * Matches the bridge's oracle log (every send it accepted) against the messages the workload injected:
 * first reply → latency; further replies to the same message → duplicates; replies to nothing → unexpected.
 * A message whose reply does not come within the timeout counts as missing.
 *
 * Memory is bounded for long runs: messages wait at most the reply timeout, and answered messages are
 * remembered (to tell a duplicate from an unexpected reply) for `DUPLICATE_WINDOW_MS` or twice the reply
 * timeout, whichever is longer, up to `MAX_REMEMBERED` of them. A second reply later than that counts as
 * unexpected rather than duplicate.
 */
import { RecentKeys } from '../../common/recent-keys.ts';
import type { SendRecord } from '../../wire/signal.ts';
import { correctedLatencyMs } from '../latency-recorder.ts';
import { replyKey } from './message-generator.ts';

export interface Outstanding {
  key: string;
  /** Epoch ms the arrival was scheduled for. */
  intendedAtMs: number;
  /** Epoch ms the inject request was sent. */
  sentAtMs: number;
  expectReply: boolean;
  resolve: (outcome: ReplyOutcome) => void;
  timer?: NodeJS.Timeout;
}

export type ReplyOutcome =
  | { type: 'reply'; correctedMs: number; uncorrectedMs: number }
  | { type: 'missing' }
  | { type: 'not-expected' };

/** Shortest time an answered message is remembered for duplicate detection, ms. */
export const DUPLICATE_WINDOW_MS = 120_000;
/** Most answered messages remembered at once, whatever the rate. */
export const MAX_REMEMBERED = 250_000;

/** How long answered messages are remembered with a reply timeout of `replyTimeoutMs`. */
export function duplicateWindowMs(replyTimeoutMs: number): number {
  return Math.max(DUPLICATE_WINDOW_MS, 2 * replyTimeoutMs);
}

export interface ReplyTrackerEvents {
  onDuplicate(key: string): void;
  onUnexpected(record: SendRecord): void;
}

export class ReplyTracker {
  private readonly waiting = new Map<string, Outstanding>();
  /** Messages answered at least once, kept for the duplicate window to recognise later duplicates. */
  private readonly answered: RecentKeys;
  private readonly early = new Map<string, SendRecord>();

  constructor(
    private readonly replyTimeoutMs: number,
    private readonly events: ReplyTrackerEvents,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.answered = new RecentKeys({ capacity: MAX_REMEMBERED, retentionMs: duplicateWindowMs(replyTimeoutMs) });
  }

  /** Registers a sent message; resolves with its reply, its absence, or at once when none is expected. */
  expect(entry: Omit<Outstanding, 'resolve' | 'timer'>): Promise<ReplyOutcome> {
    return new Promise((resolve) => {
      if (!entry.expectReply) return resolve({ type: 'not-expected' });
      const outstanding: Outstanding = { ...entry, resolve };
      const early = this.early.get(entry.key);
      if (early) {
        this.early.delete(entry.key);
        this.settle(outstanding, early);
        return;
      }
      outstanding.timer = setTimeout(() => {
        this.waiting.delete(entry.key);
        resolve({ type: 'missing' });
      }, this.replyTimeoutMs);
      this.waiting.set(entry.key, outstanding);
    });
  }

  /** Feeds one oracle record. */
  observe(record: SendRecord): void {
    if (record.route !== '/v2/send' || record.quoteTimestamp === null) return;
    for (const recipient of record.recipients) {
      const key = replyKey(groupIdOf(recipient), record.quoteTimestamp);
      const outstanding = this.waiting.get(key);
      if (outstanding) {
        this.waiting.delete(key);
        clearTimeout(outstanding.timer);
        this.settle(outstanding, record);
      } else if (this.answered.has(key, this.nowMs())) {
        this.events.onDuplicate(key);
      } else {
        // The reply can overtake the inject response on loopback; hold it briefly for `expect`.
        this.early.set(key, record);
        setTimeout(() => {
          if (this.early.delete(key)) this.events.onUnexpected(record);
        }, 2_000).unref();
      }
    }
  }

  /** Gives up on every message still waiting (end of run): each resolves as missing. */
  abandonAll(): void {
    for (const outstanding of this.waiting.values()) {
      clearTimeout(outstanding.timer);
      outstanding.resolve({ type: 'missing' });
    }
    this.waiting.clear();
  }

  get pending(): number {
    return this.waiting.size;
  }

  /** Answered messages remembered for duplicate detection now. */
  get remembered(): number {
    return this.answered.size;
  }

  private settle(outstanding: Outstanding, record: SendRecord): void {
    this.answered.add(outstanding.key, this.nowMs());
    outstanding.resolve({
      type: 'reply',
      correctedMs: correctedLatencyMs(outstanding.intendedAtMs, outstanding.sentAtMs, record.receivedAtMs),
      uncorrectedMs: record.receivedAtMs - outstanding.sentAtMs,
    });
  }
}

/** A reply to `group.` + base64(groupId) answers the group the workload knows by its raw id. */
function groupIdOf(recipient: string): string {
  return recipient.startsWith('group.') ? Buffer.from(recipient.slice('group.'.length), 'base64').toString('latin1') : recipient;
}
