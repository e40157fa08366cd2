/**
 * Suite progress on the terminal: which drill, which phase, the suite's elapsed and estimated remaining time.
 * One line when a drill starts, when a phase opens (a step, its recovery, an abort, the rollbacks), and every
 * few seconds of load; the estimate is the planned time of what is left (the load's duration plus start-up).
 */
import type { Writable } from 'node:stream';
import type { ProgressSnapshot, Reporter, RunStartInfo } from './reporter.ts';
import type { Report, TimelineEvent } from './report-schema.ts';

const EVERY_MS = 5_000;
const PHASE_EVENTS = new Set(['step', 'recovered', 'step-failed', 'not-steady', 'abort', 'rollbacks', 'deviated']);

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1_000));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export class SuiteProgressReporter implements Reporter {
  private lastLineMs = -Infinity;
  private drillPlannedMs = 0;
  private drillElapsedMs = 0;
  private phase = 'start';

  /** `plannedMs`: planned time of each drill, in order; `suiteStartedAtMs`: epoch ms. */
  constructor(
    private readonly out: Writable,
    private readonly names: string[],
    private readonly plannedMs: number[],
    private readonly suiteStartedAtMs: number,
    private index = 0,
  ) {}

  /** The suite moves on to drill `index` (0-based). */
  next(index: number): void {
    this.index = index;
    this.drillPlannedMs = this.plannedMs[index] ?? 0;
    this.drillElapsedMs = 0;
    this.phase = 'start';
  }

  onRunStart(info: RunStartInfo): void {
    this.line(`drill ${info.scenario} (release ${info.release}) starting, run ${info.runId}`);
  }

  onProgress(s: ProgressSnapshot): void {
    this.drillElapsedMs = s.elapsedMs;
    if (this.phase === 'start') this.phase = 'baseline';
    if (Date.now() - this.lastLineMs >= EVERY_MS) this.line(`load ${formatDuration(s.elapsedMs)}/${formatDuration(s.plannedMs)}`);
  }

  onEvent(event: TimelineEvent): void {
    if (event.source !== 'drill' || !PHASE_EVENTS.has(event.type)) return;
    this.phase = event.type === 'rollbacks' ? 'rollbacks' : event.type === 'step' ? (event.detail?.split(':')[0] ?? event.type) : event.type;
    this.line(event.detail ?? event.type);
  }

  onRunEnd(report: Report): void {
    this.line(`${report.verdict.toUpperCase()} in ${formatDuration(report.endedAtMs - report.startedAtMs)}`);
  }

  private line(text: string): void {
    this.lastLineMs = Date.now();
    const elapsedMs = Date.now() - this.suiteStartedAtMs;
    const leftMs = Math.max(0, this.drillPlannedMs - this.drillElapsedMs) + this.plannedMs.slice(this.index + 1).reduce((a, b) => a + b, 0);
    const name = this.names[this.index] ?? '';
    this.out.write(`[${this.index + 1}/${this.names.length} ${name} · ${this.phase}] ${text} · suite ${formatDuration(elapsedMs)} elapsed, ~${formatDuration(leftMs)} left\n`);
  }
}
