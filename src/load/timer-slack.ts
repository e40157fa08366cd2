/**
 * How early the scheduler may start an arrival so that it shares a wake-up with the ones before it.
 *
 * Each wake-up of the generator process costs about as much CPU as a request (on a VM, tens of µs to leave
 * and re-enter idle), and the responses to arrivals started together come back close enough to share
 * wake-ups too. So the scheduler starts, in one wake-up, the arrivals due within the slack after the first.
 * By default the slack adapts to the rate: long enough for a batch of `ADAPTIVE_BATCH` arrivals, never
 * shorter than `MIN_TIMER_SLACK_MS` nor longer than `MAX_TIMER_SLACK_MS`: at 1,000 arrivals a second twelve
 * share a wake-up (one every 12 ms), at 3,000 a second and more the slack is 4 ms. A fixed 4 ms cost about 1.4
 * times autocannon's CPU per request at 1,000 a second (BENCHMARKS.md); the busiest 10 ms then carry at most
 * about twice the rate, where autocannon's bursts carry tens of times the rate.
 */

/** Arrivals one wake-up should start, when the slack bounds allow it. */
export const ADAPTIVE_BATCH = 12;
/** Shortest adaptive slack, ms: Node's timers place a wake-up no closer than 1 ms anyway. */
export const MIN_TIMER_SLACK_MS = 4;
/** Longest adaptive slack, ms: no arrival starts more than this before its intended time. */
export const MAX_TIMER_SLACK_MS = 12;

/** The adaptive slack at `ratePerSec` arrivals a second, ms. */
export function adaptiveTimerSlackMs(ratePerSec: number): number {
  if (!(ratePerSec > 0)) return MAX_TIMER_SLACK_MS;
  const batchMs = ((ADAPTIVE_BATCH - 1) * 1_000) / ratePerSec;
  return Math.min(MAX_TIMER_SLACK_MS, Math.max(MIN_TIMER_SLACK_MS, batchMs));
}
