/**
 * Reporters receive the run as it happens and write it somewhere. Hooks are optional; names used in
 * scenario files and on the command line map to classes in `reporters.ts`.
 */
import type { Report, TimelineEvent } from './report-schema.ts';

/** A live snapshot of the load, about once a second. */
export interface ProgressSnapshot {
  elapsedMs: number;
  plannedMs: number;
  targetRate: number;
  achievedRate: number;
  inFlight: number;
  dropped: number;
  p99Ms: number | null;
  errors: number;
}

export interface RunStartInfo {
  runId: string;
  scenario: string;
  release: string;
  runDir: string;
}

export interface Reporter {
  onRunStart?(info: RunStartInfo): void | Promise<void>;
  onProgress?(snapshot: ProgressSnapshot): void;
  onEvent?(event: TimelineEvent): void;
  onRunEnd?(report: Report, runDir: string): void | Promise<void>;
  /**
   * The harness is about to exit at once (a second Ctrl-C): write the report of the run so far, synchronously.
   * `onRunEnd` may still come later (or never); either write leaves a whole file.
   */
  onHardStop?(report: Report, runDir: string): void;
}
