/**
 * What a k6 runner cannot reproduce of a scenario, one line each: the workload's own limits, the fault timeline
 * and the drill steps (k6 only tags their phases), and thresholds k6 cannot judge. Printed at the top of the
 * script and on the command's output.
 */
import type { Scenario } from '../../scenario/scenario-schema.ts';
import { formatDuration } from '../../common/duration.ts';

export function scenarioLimits(scenario: Scenario, workloadLimits: string[], notExported: string[], stepRecoveryMs: number): string[] {
  const lines = [...workloadLimits];
  for (const fault of scenario.faults.timeline) {
    const span = fault.for === undefined ? 'to the end' : `for ${formatDuration(fault.for)}`;
    lines.push(
      `fault timeline: ${fault.type} on ${fault.link} at ${formatDuration(fault.at)} ${span} (drill injects it; k6 only tags the phase)`,
    );
  }
  for (const step of scenario.steps) {
    lines.push(
      `drill step: ${step.action} ${step.service} at ${formatDuration(step.at)} and its recovery checks (drill runs it; k6 assumes recovery ${formatDuration(stepRecoveryMs)} after the action for the after- phase)`,
    );
  }
  if (scenario.faults.timeline.length > 0 || scenario.steps.length > 0) {
    lines.push('phase windows are fixed in time: run drill alongside (same stack, same start) for the faults and steps to happen in them');
  }
  for (const threshold of notExported) lines.push(`threshold not exported: ${threshold}`);
  lines.push('the stack itself: start it with drill (or point the runner at a deployed one); k6 drives the load only');
  return lines;
}
