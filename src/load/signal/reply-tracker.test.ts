import { describe, expect, it } from 'vitest';
import type { SendRecord } from '../../wire/signal.ts';
import { replyKey } from './message-generator.ts';
import { duplicateWindowMs, ReplyTracker } from './reply-tracker.ts';

const REPLY_TIMEOUT_MS = 10_000;

function reply(recipient: string, timestamp: number, receivedAtMs: number): SendRecord {
  return {
    seq: 0,
    route: '/v2/send',
    method: 'POST',
    number: '+15550000001',
    recipients: [recipient],
    message: 'pong',
    quoteTimestamp: timestamp,
    quoteAuthor: recipient,
    idempotencyKey: null,
    receivedAtMs,
  };
}

describe('ReplyTracker', () => {
  it('remembers answered messages for the duplicate window only: flat at 200 messages a second, duplicates still caught', async () => {
    let nowMs = 1_700_000_000_000;
    const duplicates: string[] = [];
    const tracker = new ReplyTracker(REPLY_TIMEOUT_MS, { onDuplicate: (key) => duplicates.push(key), onUnexpected: () => undefined }, () => nowMs);
    const windowMs = duplicateWindowMs(REPLY_TIMEOUT_MS);
    const perMessageMs = 5;
    const messages = 100_000; // 500 s at 200 a second, four duplicate windows
    let latest = 0;
    for (let i = 0; i < messages; i++, nowMs += perMessageMs) {
      const outcome = tracker.expect({ key: replyKey('+1555', i), intendedAtMs: nowMs, sentAtMs: nowMs, expectReply: true });
      tracker.observe(reply('+1555', i, nowMs + 1));
      if ((await outcome).type === 'reply') latest = i;
    }
    expect(latest).toBe(messages - 1);
    expect(tracker.pending).toBe(0);
    // One window of answers at most, not every message of the run.
    expect(tracker.remembered).toBeLessThanOrEqual(windowMs / perMessageMs + 1);
    expect(tracker.remembered).toBeGreaterThan(windowMs / perMessageMs / 2);
    // A second reply within the window is a duplicate; one to a message answered long before is not.
    tracker.observe(reply('+1555', messages - 10, nowMs));
    tracker.observe(reply('+1555', 5, nowMs));
    expect(duplicates).toEqual([replyKey('+1555', messages - 10)]);
    tracker.abandonAll();
  });
});
