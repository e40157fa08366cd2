/**
 * Events per second over the last window (one second by default), counted in small buckets so a
 * progress line can show the achieved rate at a constant cost per event.
 */
export class RateWindow {
  private readonly bucketMs: number;
  /** One slot per bucket in the window plus the current, partly filled one. */
  private readonly slots: Float64Array;
  private current = Number.NEGATIVE_INFINITY;

  /**
   * @param windowMs Length of the window, ms.
   * @param buckets Buckets in the window; the rate is exact to one bucket's length.
   */
  constructor(
    private readonly windowMs = 1_000,
    private readonly buckets = 10,
  ) {
    this.bucketMs = windowMs / buckets;
    this.slots = new Float64Array(buckets + 1);
  }

  /** Counts `count` events at `atMs` (any monotonic ms, never earlier than the previous call). */
  add(atMs: number, count = 1): void {
    const bucket = this.advance(atMs);
    this.slots[bucket % this.slots.length]! += count;
  }

  /** Events per second from max(`sinceMs`, about one window ago) to `nowMs`. */
  ratePerSecond(nowMs: number, sinceMs = Number.NEGATIVE_INFINITY): number {
    const bucket = this.advance(nowMs);
    const fromMs = Math.max(sinceMs, (bucket - this.buckets) * this.bucketMs);
    if (nowMs <= fromMs) return 0;
    let events = 0;
    for (const count of this.slots) events += count;
    return (events * 1_000) / (nowMs - fromMs);
  }

  private advance(atMs: number): number {
    const bucket = Math.floor(atMs / this.bucketMs);
    if (bucket > this.current) {
      const stale = Math.min(bucket - this.current, this.slots.length);
      for (let i = 1; i <= stale; i++) this.slots[(bucket - stale + i) % this.slots.length] = 0;
      this.current = bucket;
    }
    return this.current;
  }
}
