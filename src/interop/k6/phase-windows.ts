/**
 * The phases of a scenario as fixed windows of load time, for a k6 runner that cannot watch the stack. Fault
 * phases have fixed bounds (`at`, `at + for`). A drill step's `after-NAME` phase starts when the step recovered,
 * which only drill observes; the export assumes the recovery took `stepRecoveryMs` from the step's start.
 */
import type { Scenario } from '../../scenario/scenario-schema.ts';
import { faultPhaseNames } from '../../scenario/faults-schema.ts';
import { actionService, playbookMethod } from '../../scenario/method-schema.ts';
import { stepPhaseNames } from '../../scenario/steps-schema.ts';

export interface PhaseWindow {
  name: string;
  /** Offset from the start of the load, ms. */
  startMs: number;
  endMs: number;
}

/** How long the load's schedule lasts, ms (without the graceful stop). */
export function scheduleMs(load: Scenario['load']): number {
  return load.executor === 'constant-arrival-rate' ? load.duration : load.stages.reduce((sum, stage) => sum + stage.duration, 0);
}

/** Consecutive windows covering the schedule: `run` alone, or `baseline` then one window per boundary. */
export function phaseWindows(scenario: Pick<Scenario, 'load' | 'faults' | 'steps' | 'method'>, stepRecoveryMs: number): PhaseWindow[] {
  const totalMs = scheduleMs(scenario.load);
  const boundaries: { atMs: number; name: string }[] = [];
  scenario.faults.timeline.forEach((fault, i) => {
    const { during, after } = faultPhaseNames(fault, i);
    boundaries.push({ atMs: fault.at, name: during });
    if (after !== undefined && fault.for !== undefined) boundaries.push({ atMs: fault.at + fault.for, name: after });
  });
  // An action without `at` runs when the one before it is done: k6 can only assume it starts at the same time.
  let previousAtMs = 0;
  playbookMethod(scenario).forEach((action, i) => {
    const atMs = action.at ?? previousAtMs;
    previousAtMs = atMs;
    const { during, after } = stepPhaseNames({ ...action, service: actionService(action) }, i);
    boundaries.push({ atMs, name: during });
    boundaries.push({ atMs: atMs + ('down' in action ? action.down : 0) + stepRecoveryMs, name: after });
  });
  if (boundaries.length === 0) return [{ name: 'run', startMs: 0, endMs: totalMs }];
  boundaries.sort((a, b) => a.atMs - b.atMs);
  const windows: PhaseWindow[] = [];
  let current = { name: 'baseline', startMs: 0 };
  for (const boundary of boundaries) {
    const atMs = Math.min(boundary.atMs, totalMs);
    if (atMs > current.startMs) windows.push({ ...current, endMs: atMs });
    current = { name: boundary.name, startMs: atMs };
  }
  if (totalMs > current.startMs) windows.push({ ...current, endMs: totalMs });
  return windows;
}
