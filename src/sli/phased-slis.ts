/**
 * SLIs recorded for the whole run and, at the same time, for the current phase. A plain run has one
 * phase, `run`; drills switch phases (baseline, inject, recover, verify) as their steps advance.
 */
import type { PhaseReport, SerializedHistogram } from '../report/report-schema.ts';
import type { SliDefinition } from './catalog.ts';
import { OutcomeLog } from './outcome-log.ts';
import { SliSet, type TrendHistogram } from './sli-set.ts';

interface PhaseWindow {
  set: SliSet;
  startMs: number;
  endMs: number | undefined;
}

export class PhasedSlis {
  readonly run: SliSet;
  /** Every outcome with its time, for sliding windows (steady-state probes, SLI recovery). */
  readonly log = new OutcomeLog();
  private readonly phases: PhaseWindow[] = [];
  /** Counters every window reports, at 0 when nothing counted them. */
  private readonly declaredCounters: string[] = [];

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
    const set = new SliSet(name, this.newHistogram);
    for (const counter of this.declaredCounters) set.count(counter, 0);
    this.phases.push({ set, startMs: atMs, endMs: undefined });
  }

  /**
   * Counters reported in the run and in every phase even when nothing counted them (then with count 0), such as a
   * workload's catalogued failure reasons. A workload that declares none reports only what it counted.
   */
  declareCounters(names: readonly string[]): void {
    this.declaredCounters.push(...names);
    this.record((set) => {
      for (const name of names) set.count(name, 0);
    });
  }

  endPhase(atMs = Date.now()): void {
    const current = this.phases.at(-1);
    if (current && current.endMs === undefined) current.endMs = atMs;
  }

  /**
   * Calls `record` on the run's set and on a phase's set: the current phase, or with `atMs` (epoch ms) the
   * phase that held that moment. An outcome judged later than it was caused (a reply that timed out, a session
   * that failed to set up) belongs to the phase of its cause: pass the intended send time.
   */
  record(record: (set: SliSet) => void, atMs?: number): void {
    record(this.run);
    record(this.log.at(atMs ?? Date.now()));
    const phase = atMs === undefined ? this.phases.at(-1) : this.phaseAt(atMs);
    if (phase && (atMs !== undefined || phase.endMs === undefined)) record(phase.set);
  }

  /** The phase holding `atMs`; the first phase for a moment before it (clock skew at the start of the load). */
  private phaseAt(atMs: number): PhaseWindow | undefined {
    return this.phases.findLast((phase) => phase.startMs <= atMs) ?? this.phases[0];
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
