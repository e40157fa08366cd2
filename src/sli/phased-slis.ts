/**
 * SLIs recorded for the whole run and, at the same time, for the current phase. A plain run has one
 * phase, `run`; drills switch phases (baseline, inject, recover, verify) as their steps advance.
 */
import type { PhaseReport, SerializedHistogram } from '../report/report-schema.ts';
import type { SliDefinition } from './catalog.ts';
import { SliSet, type TrendHistogram } from './sli-set.ts';

interface PhaseWindow {
  set: SliSet;
  startMs: number;
  endMs: number | undefined;
}

export class PhasedSlis {
  readonly run: SliSet;
  private readonly phases: PhaseWindow[] = [];

  /** `originMs`: epoch ms phase offsets count from (the start of the load). */
  constructor(
    private readonly newHistogram: () => TrendHistogram,
    private originMs: number,
  ) {
    this.run = new SliSet('run', newHistogram);
  }

  /** Phase offsets count from here (the moment the load started). */
  setOrigin(originMs: number): void {
    this.originMs = originMs;
  }

  /** Ends the current phase (if any) and starts `name` at `atMs` (epoch ms). */
  startPhase(name: string, atMs = Date.now()): void {
    const current = this.phases.at(-1);
    if (current && current.endMs === undefined) current.endMs = atMs;
    this.phases.push({ set: new SliSet(name, this.newHistogram), startMs: atMs, endMs: undefined });
  }

  endPhase(atMs = Date.now()): void {
    const current = this.phases.at(-1);
    if (current && current.endMs === undefined) current.endMs = atMs;
  }

  /** Calls `record` on the run's set and the current phase's set. */
  record(record: (set: SliSet) => void): void {
    record(this.run);
    const current = this.phases.at(-1);
    if (current && current.endMs === undefined) record(current.set);
  }

  get phaseSets(): readonly { name: string; set: SliSet }[] {
    return this.phases.map((p) => ({ name: p.set.name, set: p.set }));
  }

  phaseReports(definitions: SliDefinition[], untilMs: number): PhaseReport[] {
    return this.phases.map((p) => {
      const endMs = p.endMs ?? untilMs;
      return {
        name: p.set.name,
        startMs: p.startMs - this.originMs,
        endMs: endMs - this.originMs,
        slis: p.set.summarize(definitions, endMs - p.startMs, `${p.set.name}/`),
      };
    });
  }

  histograms(): Record<string, SerializedHistogram> {
    return Object.assign({}, this.run.histograms(''), ...this.phases.map((p) => p.set.histograms(`${p.set.name}/`)));
  }
}
