/**
 * The two latencies of every request: corrected (from the arrival's intended start, what a user
 * arriving on schedule waits, free of coordinated omission) and uncorrected (from the moment the
 * request was actually sent, what a closed-loop tool reports). Their gap shows queueing in the
 * generator or the target.
 */
import { LatencyHistogram, type LatencyHistogramOptions, type StoredHistogram } from './latency-histogram.ts';

/**
 * Latency from the intended start, or from the send when the request went out before it (the scheduler's timer
 * slack): never shorter than the latency from the send. Times are ms on one clock.
 */
export function correctedLatencyMs(intendedAtMs: number, sentAtMs: number, doneAtMs: number): number {
  return doneAtMs - (sentAtMs < intendedAtMs ? sentAtMs : intendedAtMs);
}

/** Stored form of a LatencyRecorder. */
export interface StoredLatencies {
  corrected: StoredHistogram;
  uncorrected: StoredHistogram;
}

export class LatencyRecorder {
  /** Intended start → full response, ms (http_req_duration). */
  readonly corrected: LatencyHistogram;
  /** Actual send → full response, ms (http_req_duration_uncorrected). */
  readonly uncorrected: LatencyHistogram;

  constructor(options: LatencyHistogramOptions = {}, histograms?: { corrected: LatencyHistogram; uncorrected: LatencyHistogram }) {
    this.corrected = histograms?.corrected ?? new LatencyHistogram(options);
    this.uncorrected = histograms?.uncorrected ?? new LatencyHistogram(options);
  }

  /** Records one response. All three times are monotonic clock ms; corrected as `correctedLatencyMs`. */
  record(intendedAtMs: number, sentAtMs: number, doneAtMs: number): void {
    this.corrected.recordMs(correctedLatencyMs(intendedAtMs, sentAtMs, doneAtMs));
    this.uncorrected.recordMs(doneAtMs - sentAtMs);
  }

  get count(): number {
    return this.corrected.count;
  }

  merge(other: LatencyRecorder): this {
    this.corrected.merge(other.corrected);
    this.uncorrected.merge(other.uncorrected);
    return this;
  }

  toJSON(): StoredLatencies {
    return { corrected: this.corrected.toJSON(), uncorrected: this.uncorrected.toJSON() };
  }

  static fromJSON(stored: StoredLatencies): LatencyRecorder {
    return new LatencyRecorder(
      {},
      { corrected: LatencyHistogram.fromJSON(stored.corrected), uncorrected: LatencyHistogram.fromJSON(stored.uncorrected) },
    );
  }
}
