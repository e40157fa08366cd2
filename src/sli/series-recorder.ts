/**
 * Per-interval time series of a run: counts per bucket and the p50, p95 and p99 of latencies that completed
 * in the bucket, plus sampled levels. Rows are offsets from the load start, for plots with fault marks and
 * for recovery-time analysis.
 *
 * Memory grows with the run's length, not with its messages: latencies are kept only for the newest
 * `OPEN_LATENCY_BUCKETS` buckets; an older bucket is reduced to its p50 and p99 as soon as a latency lands in a
 * newer one. Latencies are recorded as they complete (the bucket of "now"), so a bucket is closed only once
 * time has moved past it; one that lands in a closed bucket (a wall-clock step back) is counted in
 * `lateLatencies` and left out of the percentiles.
 */
/** Buckets whose latencies are still kept one by one: the newest and the one before it. */
export const OPEN_LATENCY_BUCKETS = 2;

type Percentiles = { p50: number | null; p95: number | null; p99: number | null };

function percentilesOf(values: number[]): Percentiles {
  const sorted = values.sort((x, y) => x - y);
  const pick = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : null);
  return { p50: pick(50), p95: pick(95), p99: pick(99) };
}

export class SeriesRecorder {
  private readonly buckets = new Map<number, Map<string, number>>();
  /** Latencies of the open buckets. */
  private readonly latencies = new Map<number, number[]>();
  /** p50, p95 and p99 of the closed buckets. */
  private readonly closed = new Map<number, Percentiles>();
  private newestLatencyBucket = -1;
  private late = 0;
  private readonly columnOrder: string[] = [];

  constructor(
    readonly intervalMs: number,
    private startMs: number,
    private readonly latencyColumn: string,
  ) {}

  /** Buckets count from here (the moment the load started); nothing is recorded before it. */
  setOrigin(startMs: number): void {
    this.startMs = startMs;
  }

  private bucketOf(atMs: number): number {
    return Math.max(0, Math.floor((atMs - this.startMs) / this.intervalMs));
  }

  private column(name: string): void {
    if (!this.columnOrder.includes(name)) this.columnOrder.push(name);
  }

  /** Adds to a count column in the bucket of `atMs` (epoch ms). */
  add(name: string, atMs: number, amount = 1): void {
    this.column(name);
    const bucket = this.buckets.get(this.bucketOf(atMs)) ?? new Map<string, number>();
    bucket.set(name, (bucket.get(name) ?? 0) + amount);
    this.buckets.set(this.bucketOf(atMs), bucket);
  }

  /** Sets a level column (last value wins) in the bucket of `atMs`. */
  set(name: string, atMs: number, value: number | null): void {
    this.column(name);
    if (value === null) return;
    const bucket = this.buckets.get(this.bucketOf(atMs)) ?? new Map<string, number>();
    bucket.set(name, value);
    this.buckets.set(this.bucketOf(atMs), bucket);
  }

  /** A latency that completed at `atMs`, for the bucket's p50/p95/p99. */
  latency(atMs: number, valueMs: number): void {
    const bucket = this.bucketOf(atMs);
    if (bucket > this.newestLatencyBucket) {
      this.newestLatencyBucket = bucket;
      this.closeBefore(bucket - OPEN_LATENCY_BUCKETS + 1);
    }
    if (this.closed.has(bucket)) {
      this.late++;
      return;
    }
    const list = this.latencies.get(bucket) ?? [];
    list.push(valueMs);
    this.latencies.set(bucket, list);
  }

  /** Latencies held one by one now (those of the open buckets). */
  get openLatencies(): number {
    let count = 0;
    for (const list of this.latencies.values()) count += list.length;
    return count;
  }

  /** Latencies left out because their bucket was already closed. */
  get lateLatencies(): number {
    return this.late;
  }

  private closeBefore(firstOpen: number): void {
    for (const [bucket, list] of this.latencies) {
      if (bucket >= firstOpen) continue;
      this.closed.set(bucket, percentilesOf(list));
      this.latencies.delete(bucket);
    }
  }

  toJSON(untilMs: number): { intervalMs: number; columns: string[]; rows: (number | null)[][] } {
    const lastBucket = Math.max(this.bucketOf(untilMs), ...this.buckets.keys(), this.newestLatencyBucket);
    const columns = ['tMs', ...this.columnOrder, `${this.latencyColumn}_p50`, `${this.latencyColumn}_p95`, `${this.latencyColumn}_p99`];
    const rows: (number | null)[][] = [];
    for (let b = 0; b <= lastBucket; b++) {
      const bucket = this.buckets.get(b);
      const { p50, p95, p99 } = this.closed.get(b) ?? percentilesOf(this.latencies.get(b) ?? []);
      rows.push([b * this.intervalMs, ...this.columnOrder.map((c) => bucket?.get(c) ?? null), p50, p95, p99]);
    }
    return { intervalMs: this.intervalMs, columns, rows };
  }
}
