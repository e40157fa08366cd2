/** Bounded retry with exponential backoff, for calls to services that are known to hang or flap. */
import { systemClock, type Clock } from './clock.ts';

export interface RetryOptions {
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  clock?: Clock;
  signal?: AbortSignal;
  /** Return false to stop retrying and rethrow at once. */
  retryable?: (error: unknown) => boolean;
}

export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const clock = options.clock ?? systemClock;
  let delayMs = options.initialDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const canRetry = options.retryable?.(error) ?? true;
      if (!canRetry || attempt >= options.attempts || options.signal?.aborted) throw error;
      await clock.sleep(delayMs, options.signal);
      delayMs = Math.min(delayMs * 2, options.maxDelayMs);
    }
  }
}

/** Resolves when `check` returns true, polling every `intervalMs`, or rejects after `timeoutMs`. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; intervalMs: number; description: string; clock?: Clock; signal?: AbortSignal },
): Promise<void> {
  const clock = options.clock ?? systemClock;
  const deadline = clock.nowMs() + options.timeoutMs;
  let lastError: unknown;
  while (clock.nowMs() < deadline) {
    if (options.signal?.aborted) throw options.signal.reason;
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    await clock.sleep(options.intervalMs, options.signal);
  }
  const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
  throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.description}${reason}`, {
    cause: lastError,
  });
}
