/**
 * Holds the load back while a playbook asks (`pause-load` … `resume-load`): arrivals that fall due meanwhile are
 * skipped, not queued, so the open model's schedule goes on and resuming does not release a burst.
 */
export class LoadGate {
  private pausedAtMs: number | undefined;
  /** Arrivals skipped while paused, in all. */
  skipped = 0;

  get paused(): boolean {
    return this.pausedAtMs !== undefined;
  }

  pause(atMs = Date.now()): void {
    this.pausedAtMs ??= atMs;
  }

  /** Resumes; returns how long the load was paused, ms (0 when it was not). */
  resume(atMs = Date.now()): number {
    const pausedMs = this.pausedAtMs === undefined ? 0 : atMs - this.pausedAtMs;
    this.pausedAtMs = undefined;
    return pausedMs;
  }

  /** True when the arrival may start; counts it as skipped otherwise. */
  admit(): boolean {
    if (this.pausedAtMs === undefined) return true;
    this.skipped++;
    return false;
  }
}
