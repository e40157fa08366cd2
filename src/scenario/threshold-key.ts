/**
 * Threshold keys: an SLI name, optionally narrowed to one phase of the run with k6's sub-metric syntax,
 * `reply_latency{phase:after-rollback}`. Without a phase a threshold judges the whole load.
 */
import type { Scenario } from './scenario-schema.ts';
import { faultPhaseNames } from './faults-schema.ts';
import { playbookMethod } from './method-schema.ts';
import { stepPhaseNames } from './steps-schema.ts';

export interface ThresholdKey {
  sli: string;
  /** The phase judged; undefined for the whole load. */
  phase: string | undefined;
}

export function parseThresholdKey(key: string): ThresholdKey {
  const match = /^([^{}\s]+)\{\s*phase\s*:\s*([^{}\s]+)\s*\}$/.exec(key);
  return match ? { sli: match[1]!, phase: match[2]! } : { sli: key, phase: undefined };
}

/** Every phase a run of this scenario records, in no particular order. */
export function phasesOf(scenario: Pick<Scenario, 'faults' | 'steps' | 'method'>): string[] {
  const method = playbookMethod(scenario);
  const timed = scenario.faults.timeline.length > 0 || method.length > 0;
  if (!timed) return ['run'];
  return [
    'baseline',
    ...scenario.faults.timeline.flatMap((fault, i) => Object.values(faultPhaseNames(fault, i)).filter((name) => name !== undefined)),
    ...method.flatMap((step, i) => Object.values(stepPhaseNames(step, i))),
  ];
}
