/**
 * What happened when, on a run's time axis (seconds from the load start): fault windows as they were injected
 * and cleared (the timeline, not the plan), drill steps from their action to their recovery, the phases, and
 * marks for step actions, recoveries, failed steps and aborts.
 */
import type { Report, TimelineEvent } from '../report-schema.ts';
import type { ChartBand, ChartMark } from './chart-spec.ts';

const seconds = (ms: number) => ms / 1_000;

/** The end of the time axis: the later of the last series row and the end of the load, s. */
export function runEndS(report: Report): number {
  const lastRow = report.series.rows.at(-1)?.[0] ?? 0;
  return seconds(Math.max(lastRow, report.load.durationMs));
}

function faultLabel(inject: TimelineEvent): string {
  const type = inject.detail?.split(/[\s{]/)[0] ?? 'fault';
  const toxic = inject.detail?.match(/\{[^}]*\}/)?.[0];
  let figure = '';
  try {
    const attributes = toxic ? (JSON.parse(toxic) as Record<string, unknown>) : {};
    if (typeof attributes.latency === 'number') figure = ` ${attributes.latency} ms`;
    else if (typeof attributes.probability === 'number') figure = ` ${Math.round(attributes.probability * 100)} %`;
  } catch {
    /* a detail without attributes: the type alone */
  }
  return `${type}${figure} · ${inject.target ?? 'all links'}`;
}

/** One band per injected fault, until its clear (or the end of the run when it was never cleared). */
export function faultBands(report: Report): ChartBand[] {
  const faults = report.timeline.filter((e) => e.source === 'fault');
  return faults.flatMap((event, i) => {
    if (event.type !== 'inject') return [];
    const clear = faults.slice(i + 1).find((e) => (e.type === 'clear' && e.target === event.target) || e.type === 'reset');
    return [{ kind: 'fault' as const, from: seconds(event.tMs), to: clear ? seconds(clear.tMs) : runEndS(report), label: faultLabel(event) }];
  });
}

export function stepBands(report: Report): ChartBand[] {
  return report.steps.map((step) => ({
    kind: 'step' as const,
    from: seconds(step.tMs),
    to: step.recoveryMs !== undefined ? seconds(step.tMs + step.recoveryMs) : runEndS(report),
    label: step.name,
  }));
}

export function phaseBands(report: Report): ChartBand[] {
  if (report.phases.length < 2) return [];
  return report.phases.map((p) => ({ kind: 'phase' as const, from: seconds(p.startMs), to: seconds(p.endMs), label: p.name }));
}

const MARKS: Record<string, (e: TimelineEvent) => ChartMark | undefined> = {
  step: (e) => ({ kind: 'action', at: seconds(e.tMs), label: e.detail?.split(': ')[1] ?? e.type }),
  recovered: (e) => ({ kind: 'recovery', at: seconds(e.tMs), label: e.measured?.recoveryMs !== undefined ? `recovered ${Math.round(e.measured.recoveryMs)} ms` : 'recovered' }),
  'step-failed': (e) => ({ kind: 'failure', at: seconds(e.tMs), label: `step failed${e.target ? `: ${e.target}` : ''}` }),
  abort: (e) => ({ kind: 'failure', at: seconds(e.tMs), label: 'aborted' }),
};

export function runMarks(report: Report): ChartMark[] {
  return report.timeline
    .filter((e) => (e.source === 'drill' || e.source === 'threshold') && e.tMs >= 0)
    .flatMap((e) => MARKS[e.type]?.(e) ?? []);
}

/** Everything for a chart over the run's time axis. */
export function runAnnotations(report: Report): { bands: ChartBand[]; marks: ChartMark[] } {
  return { bands: [...phaseBands(report), ...faultBands(report), ...stepBands(report)], marks: runMarks(report) };
}
