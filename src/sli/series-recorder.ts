/**
 * Per-interval time series of a run: counts per bucket and the p50, p95 and p99 of latencies that completed
 * in the bucket, plus sampled levels. Rows are offsets from the load start, for plots with fault marks and
 * for recovery-time analysis.
 */
export class SeriesRecorder {
  private readonly buckets = new Map<number, Map<string, number>>();
  private readonly latencies = new Map<number, number[]>();
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
    const list = this.latencies.get(bucket) ?? [];
    list.push(valueMs);
    this.latencies.set(bucket, list);
  }

  toJSON(untilMs: number): { intervalMs: number; columns: string[]; rows: (number | null)[][] } {
    const lastBucket = Math.max(this.bucketOf(untilMs), ...this.buckets.keys(), ...this.latencies.keys());
    const columns = ['tMs', ...this.columnOrder, `${this.latencyColumn}_p50`, `${this.latencyColumn}_p95`, `${this.latencyColumn}_p99`];
    const rows: (number | null)[][] = [];
    for (let b = 0; b <= lastBucket; b++) {
      const bucket = this.buckets.get(b);
      const sorted = (this.latencies.get(b) ?? []).sort((x, y) => x - y);
      const pick = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : null);
      rows.push([b * this.intervalMs, ...this.columnOrder.map((c) => bucket?.get(c) ?? null), pick(50), pick(95), pick(99)]);
    }
    return { intervalMs: this.intervalMs, columns, rows };
  }
}
