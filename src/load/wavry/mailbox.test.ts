import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../common/clock.ts';
import { Mailbox, MailboxClosed, WaitTimeout } from './mailbox.ts';

const evens = (n: number) => (n % 2 === 0 ? n * 10 : undefined);

describe('Mailbox', () => {
  it('hands a queued or later item to the waiter whose matcher accepts it', async () => {
    const box = new Mailbox<number>(new ManualClock());
    box.push(1);
    box.push(2);
    await expect(box.take(evens, 1_000)).resolves.toBe(20);
    const later = box.take(evens, 1_000);
    box.push(3);
    box.push(4);
    await expect(later).resolves.toBe(40);
    await expect(box.take((n) => (n === 1 ? 'one' : undefined), 0)).resolves.toBe('one');
  });

  it('times out on the injected clock, and rejects on abort and close', async () => {
    const clock = new ManualClock();
    const box = new Mailbox<number>(clock);
    const waiting = box.take(evens, 500);
    clock.advance(499);
    box.push(5);
    clock.advance(1);
    await expect(waiting).rejects.toBeInstanceOf(WaitTimeout);
    const abort = new AbortController();
    const aborted = box.take(evens, 500, abort.signal);
    abort.abort(new Error('stopped'));
    await expect(aborted).rejects.toThrow('stopped');
    const closing = box.take(evens, 500);
    box.close(new MailboxClosed('gone'));
    await expect(closing).rejects.toBeInstanceOf(MailboxClosed);
    await expect(box.take(evens, 500)).rejects.toBeInstanceOf(MailboxClosed);
    await expect(box.take((n) => (n === 5 ? n : undefined), 500)).resolves.toBe(5);
  });
});
