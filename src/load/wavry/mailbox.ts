/**
 * What a socket received, for a session that waits for one particular message at a time: `take` resolves with the
 * first item its matcher accepts (queued or yet to come), or rejects on timeout, abort or close. Unclaimed items
 * are kept (the latest `capacity`), so a reply that beats its waiter is not lost.
 */
import type { Clock } from '../../common/clock.ts';
import { wakeAfter } from '../wake-after.ts';

export class WaitTimeout extends Error {
  override name = 'WaitTimeout';
}

export class MailboxClosed extends Error {
  override name = 'MailboxClosed';
}

interface Waiter<T> {
  match(item: T): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  cancel(): void;
}

export class Mailbox<T> {
  private readonly items: T[] = [];
  private readonly waiters = new Set<Waiter<T>>();
  private closedWith: Error | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly capacity = 64,
  ) {}

  push(item: T): void {
    for (const waiter of this.waiters) {
      const value = waiter.match(item);
      if (value === undefined) continue;
      this.waiters.delete(waiter);
      waiter.cancel();
      waiter.resolve(value);
      return;
    }
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** The first item `match` maps to a value (not undefined), within `timeoutMs`. */
  take<R>(match: (item: T) => R | undefined, timeoutMs: number, signal?: AbortSignal): Promise<R> {
    for (let i = 0; i < this.items.length; i++) {
      const value = match(this.items[i]!);
      if (value === undefined) continue;
      this.items.splice(i, 1);
      return Promise.resolve(value);
    }
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<R>((resolve, reject) => {
      const settle = (error: Error) => {
        if (!this.waiters.delete(waiter)) return;
        waiter.cancel();
        reject(error);
      };
      const onAbort = () => settle(signal!.reason as Error);
      const cancelTimer = wakeAfter(this.clock, Math.max(0, timeoutMs), () =>
        settle(new WaitTimeout(`nothing within ${Math.round(timeoutMs)} ms`)),
      );
      const waiter: Waiter<T> = {
        match,
        resolve: resolve as (value: unknown) => void,
        reject,
        cancel: () => {
          cancelTimer();
          signal?.removeEventListener('abort', onAbort);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** Fails every waiter and every later `take` that finds nothing queued. */
  close(error: Error): void {
    this.closedWith ??= error;
    for (const waiter of this.waiters) {
      waiter.cancel();
      waiter.reject(error);
    }
    this.waiters.clear();
  }
}
