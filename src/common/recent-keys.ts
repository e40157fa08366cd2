/**
 * A set of recently seen keys with bounded memory: a key is kept for `retentionMs` after it was last added,
 * and at most `capacity` keys are kept (the oldest go first). For per-message bookkeeping of long runs
 * (answered messages, messages already counted as duplicated), whose size must not grow with the run.
 */
export interface RecentKeysOptions {
  /** Most keys kept; adding one more forgets the oldest. */
  capacity: number;
  /** How long a key is kept after it was last added, ms (on the clock of the `atMs` passed in). */
  retentionMs: number;
}

export class RecentKeys {
  /** Key → when it was last added; a Map iterates in insertion order, so the oldest is first. */
  private readonly addedAt = new Map<string, number>();

  constructor(private readonly options: RecentKeysOptions) {
    if (!(options.capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${options.capacity}`);
    if (!(options.retentionMs > 0)) throw new RangeError(`retentionMs must be > 0, got ${options.retentionMs}`);
  }

  /** Remembers `key` as seen at `atMs` (ms, never earlier than the previous call's). */
  add(key: string, atMs: number): void {
    this.addedAt.delete(key);
    this.addedAt.set(key, atMs);
    this.forget(atMs);
  }

  /** True when `key` was added within the retention before `atMs` and not pushed out since. */
  has(key: string, atMs: number): boolean {
    const addedAtMs = this.addedAt.get(key);
    return addedAtMs !== undefined && atMs - addedAtMs <= this.options.retentionMs;
  }

  /** Keys held now. */
  get size(): number {
    return this.addedAt.size;
  }

  private forget(nowMs: number): void {
    const { capacity, retentionMs } = this.options;
    for (const [key, addedAtMs] of this.addedAt) {
      if (this.addedAt.size <= capacity && nowMs - addedAtMs <= retentionMs) return;
      this.addedAt.delete(key);
    }
  }
}
