/**
 * A latency distribution over explicit bounds (HdrHistogram), recorded in integer microseconds and
 * reported in milliseconds. Stored histograms are compared across releases, so everything reported
 * is computed from the bucket counts alone: a histogram read back with `fromJSON` reports exactly
 * what the original did.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, JsHistogram, type Histogram } from 'hdr-histogram-js';
import { z } from 'zod';

/** Bounds and precision of a histogram. */
export interface LatencyHistogramOptions {
  /** Smallest value told apart from 0, µs. Default 1. */
  lowestUs?: number;
  /** Largest value kept; larger values are recorded as this, µs. Default 3,600,000,000 (one hour). */
  highestUs?: number;
  /** Decimal digits of precision kept at every magnitude (1–5). Default 3. */
  significantDigits?: 1 | 2 | 3 | 4 | 5;
}

/** Figures of a distribution, all in ms except `count`. Every figure is 0 when `count` is 0. */
export interface LatencySummary {
  count: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
  stddevMs: number;
  p50Ms: number;
  p90Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
}

const US_PER_MS = 1_000;

/** The stored form: HdrHistogram V2 compressed encoding in base64, values in µs (`scale` per ms). */
export const storedHistogramSchema = z.strictObject({
  encoding: z.literal('hdr-base64'),
  unit: z.literal('ms'),
  /** Recorded units per `unit`: values are stored as µs. */
  scale: z.literal(US_PER_MS),
  /** Lowest discernible value, µs. */
  lowest: z.number().int().positive(),
  /** Highest trackable value, µs. */
  highest: z.number().int().positive(),
  significantDigits: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  count: z.number().int().nonnegative(),
  data: z.string(),
});
export type StoredHistogram = z.output<typeof storedHistogramSchema>;

export class LatencyHistogram {
  readonly lowestUs: number;
  readonly highestUs: number;
  readonly significantDigits: 1 | 2 | 3 | 4 | 5;
  private readonly histogram: Histogram;

  constructor(options: LatencyHistogramOptions = {}, histogram?: Histogram) {
    this.lowestUs = options.lowestUs ?? 1;
    this.highestUs = options.highestUs ?? 3_600_000_000;
    this.significantDigits = options.significantDigits ?? 3;
    this.histogram =
      histogram ??
      build({
        bitBucketSize: 32,
        autoResize: false,
        lowestDiscernibleValue: this.lowestUs,
        highestTrackableValue: this.highestUs,
        numberOfSignificantValueDigits: this.significantDigits,
      });
  }

  /** Records one value in ms, kept to the µs; negative values count as 0, values past the bound as the bound. */
  recordMs(valueMs: number): void {
    const us = Math.round(valueMs * US_PER_MS);
    this.histogram.recordValue(us > 0 ? (us < this.highestUs ? us : this.highestUs) : 0);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** Lowest recorded value (the low end of its bucket), ms. */
  get minMs(): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(0) / US_PER_MS;
  }

  /** Highest recorded value (the high end of its bucket), ms. */
  get maxMs(): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(100) / US_PER_MS;
  }

  get meanMs(): number {
    return this.histogram.mean / US_PER_MS;
  }

  get stddevMs(): number {
    return this.histogram.stdDeviation / US_PER_MS;
  }

  /** Value at `percentile` (0–100), ms: the high end of the bucket holding it. */
  percentileMs(percentile: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(percentile) / US_PER_MS;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      minMs: this.minMs,
      maxMs: this.maxMs,
      meanMs: this.meanMs,
      stddevMs: this.stddevMs,
      p50Ms: this.percentileMs(50),
      p90Ms: this.percentileMs(90),
      p95Ms: this.percentileMs(95),
      p99Ms: this.percentileMs(99),
      p999Ms: this.percentileMs(99.9),
    };
  }

  /** Every non-empty bucket in ascending order: its highest equivalent value (as percentiles report it), ms, and its count. */
  buckets(): { valueMs: number; count: number }[] {
    if (!(this.histogram instanceof JsHistogram)) throw new TypeError('bucket iteration needs the JavaScript histogram implementation');
    const iterator = this.histogram.recordedValuesIterator;
    iterator.reset();
    const buckets: { valueMs: number; count: number }[] = [];
    while (iterator.hasNext()) {
      const step = iterator.next();
      buckets.push({ valueMs: this.histogram.highestEquivalentValue(step.valueIteratedTo) / US_PER_MS, count: step.countAtValueIteratedTo });
    }
    return buckets;
  }

  /** Adds every value of `other`, which must have the same bounds and precision. Returns this histogram. */
  merge(other: LatencyHistogram): this {
    if (other.lowestUs !== this.lowestUs || other.highestUs !== this.highestUs || other.significantDigits !== this.significantDigits) {
      throw new RangeError(
        `cannot merge histograms with different bounds: ${other.describeBounds()} into ${this.describeBounds()}; record both with the same options`,
      );
    }
    this.histogram.add(other.histogram);
    return this;
  }

  toJSON(): StoredHistogram {
    return {
      encoding: 'hdr-base64',
      unit: 'ms',
      scale: US_PER_MS,
      lowest: this.lowestUs,
      highest: this.highestUs,
      significantDigits: this.significantDigits,
      count: this.count,
      data: encodeIntoCompressedBase64(this.histogram),
    };
  }

  /** Reads a stored histogram back; throws when the shape, the encoding or the count does not match. */
  static fromJSON(stored: unknown): LatencyHistogram {
    const parsed = storedHistogramSchema.parse(stored);
    const histogram = decodeFromCompressedBase64(parsed.data, 32, false);
    histogram.autoResize = false;
    const restored = new LatencyHistogram(
      { lowestUs: parsed.lowest, highestUs: parsed.highest, significantDigits: parsed.significantDigits },
      histogram,
    );
    if (histogram.highestTrackableValue !== parsed.highest) {
      throw new RangeError(
        `stored histogram says highest ${parsed.highest} µs but its data was recorded up to ${histogram.highestTrackableValue} µs`,
      );
    }
    if (restored.count !== parsed.count) {
      throw new RangeError(`stored histogram says count ${parsed.count} but its data holds ${restored.count} values`);
    }
    return restored;
  }

  private describeBounds(): string {
    return `${this.lowestUs}..${this.highestUs} µs at ${this.significantDigits} digits`;
  }
}
