/**
 * Interarrival jitter as RFC 3550 §6.4.1 defines it: for each packet the transit time (arrival − send), and
 * J += (|D| − J) / 16 with D the difference between consecutive transit times. Milliseconds in, milliseconds out.
 */
export class JitterEstimator {
  private previousTransitMs: number | undefined;
  private jitter = 0;
  private samples = 0;

  /** One packet that was sent at `sentAtMs` and arrived at `arrivedAtMs` (same clock). */
  add(sentAtMs: number, arrivedAtMs: number): void {
    const transit = arrivedAtMs - sentAtMs;
    if (this.previousTransitMs !== undefined) this.jitter += (Math.abs(transit - this.previousTransitMs) - this.jitter) / 16;
    this.previousTransitMs = transit;
    this.samples++;
  }

  /** Current estimate, ms; undefined before two packets. */
  get jitterMs(): number | undefined {
    return this.samples >= 2 ? this.jitter : undefined;
  }
}
