/**
 * What a workload does for each arrival, and what it measures. The run calls `prepare` once the stack is up,
 * `fire` once per arrival (open model: calls overlap), `sample` once per report interval, and `finish` when
 * the schedule is done.
 */
import type { PhasedSlis } from '../sli/phased-slis.ts';
import type { SeriesRecorder } from '../sli/series-recorder.ts';

export interface Arrival {
  index: number;
  /** Epoch ms the schedule intended this arrival for (latency is measured from here). */
  intendedAtMs: number;
}

export interface DriverContext {
  slis: PhasedSlis;
  series: SeriesRecorder;
}

/** What a workload found out about single messages, for the report (Signal: the messages answered more than once). */
export interface DriverFindings {
  duplicateReplies?: { message: string; replies: number }[];
}

export interface WorkloadDriver extends AsyncDisposable {
  /** SLI names this workload reports (the catalog entry). */
  readonly workload: string;
  /** The SLI whose p99 the progress line shows. */
  readonly latencySli: string;
  prepare(context: DriverContext): Promise<void>;
  /** One arrival; resolves when its outcome is known (answered, failed, or timed out). */
  fire(arrival: Arrival): Promise<void>;
  /** Periodic sampling of the stack (metrics endpoints), if the workload has any. */
  sample(): Promise<void>;
  /** Errors so far, for the progress line. */
  errorCount(): number;
  /** Waits for what is still in flight (bounded) and records end-of-run SLIs. */
  finish(): Promise<void>;
  /** Findings about single messages, when the workload has any. */
  findings?(): DriverFindings;
}
