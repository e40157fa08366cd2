/**
 * The live progress line: rewritten in place on a TTY, one plain line every few seconds elsewhere (CI logs).
 * Also prints timeline events as they happen, and where the report went at the end.
 */
import type { Writable } from 'node:stream';
import { formatNumber } from './format.ts';
import type { ProgressSnapshot, Reporter, RunStartInfo } from './reporter.ts';
import type { Report, TimelineEvent } from './report-schema.ts';

const PLAIN_EVERY_MS = 5_000;

export class ProgressReporter implements Reporter {
  private lastPlainMs = -Infinity;
  private lineOpen = false;

  constructor(
    private readonly out: Writable & { isTTY?: boolean },
    private readonly tty = Boolean(out.isTTY),
  ) {}

  onRunStart(info: RunStartInfo): void {
    this.out.write(`drill: running ${info.scenario} (release ${info.release}), run ${info.runId}\n  folder ${info.runDir}\n`);
  }

  onProgress(s: ProgressSnapshot): void {
    const line = `${formatNumber(s.elapsedMs / 1_000)}/${formatNumber(s.plannedMs / 1_000)} s · rate ${formatNumber(s.achievedRate)}/${formatNumber(s.targetRate)}/s · in flight ${s.inFlight} · p99 ${s.p99Ms === null ? '–' : `${formatNumber(s.p99Ms)} ms`} · errors ${s.errors} · dropped ${s.dropped}`;
    if (this.tty) {
      this.out.write(`\r\x1b[2K${line}`);
      this.lineOpen = true;
    } else if (s.elapsedMs - this.lastPlainMs >= PLAIN_EVERY_MS) {
      this.lastPlainMs = s.elapsedMs;
      this.out.write(`  ${line}\n`);
    }
  }

  onEvent(event: TimelineEvent): void {
    this.closeLine();
    this.out.write(`  [${formatNumber(event.tMs / 1_000)} s] ${event.source} ${event.type}${event.target ? ` ${event.target}` : ''}${event.detail ? `: ${event.detail}` : ''}\n`);
  }

  onRunEnd(report: Report, runDir: string): void {
    this.closeLine();
    const why = report.reasons.map((r) => `${r.message.split('\n')[0]}${r.observed ? ` (observed ${r.observed})` : ''}`).join('; ');
    this.out.write(`drill: ${report.verdict.toUpperCase()}${why ? ` (${why})` : ''}\n`);
    this.out.write(`  report ${runDir}/report.md\n`);
  }

  private closeLine(): void {
    if (this.lineOpen) this.out.write('\n');
    this.lineOpen = false;
  }
}
