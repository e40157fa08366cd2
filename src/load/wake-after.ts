/**
 * Calls back after a delay on a Clock; returns a function that cancels the call. On the system clock
 * it is a bare timer: the scheduler wakes up to 1,000 times a second, and a promise plus an
 * AbortSignal listener per wake cost measurable CPU there. Other clocks (ManualClock) go through
 * `Clock.sleep`, so tests drive the same code.
 */
import { systemClock, type Clock } from '../common/clock.ts';

export function wakeAfter(clock: Clock, delayMs: number, callback: () => void): () => void {
  if (clock === systemClock) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  }
  let cancelled = false;
  void clock.sleep(delayMs).then(() => {
    if (!cancelled) callback();
  });
  return () => {
    cancelled = true;
  };
}
