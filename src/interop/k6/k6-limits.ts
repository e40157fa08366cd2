/**
 * What a k6 runner cannot reproduce of a scenario, one line each: the workload's own limits, the fault timeline
 * and the drill steps (k6 only tags their phases), and thresholds k6 cannot judge. Printed at the top of the
 * script and on the command's output.
 */
import type { Scenario } from '../../scenario/scenario-schema.ts';
import { formatDuration } from '../../common/duration.ts';
import { actionService, playbookMethod } from '../../scenario/method-schema.ts';

export function scenarioLimits(scenario: Scenario, workloadLimits: string[], notExported: string[], stepRecoveryMs: number): string[] {
  const lines = [...workloadLimits];
  for (const fault of scenario.faults.timeline) {
    const span = fault.for === undefined ? 'to the end' : `for ${formatDuration(fault.for)}`;
    lines.push(
      `fault timeline: ${fault.type} on ${fault.link} at ${formatDuration(fault.at)} ${span} (drill injects it; k6 only tags the phase)`,
    );
  }
  const method = playbookMethod(scenario);
  for (const action of method) {
    const target = actionService(action);
    const when = action.at === undefined ? 'after the action before it' : `at ${formatDuration(action.at)}`;
    lines.push(
      `drill step: ${action.action}${target ? ` ${target}` : ''} ${when} and its recovery checks (drill runs it; k6 assumes recovery ${formatDuration(stepRecoveryMs)} after the action for the after- phase)`,
    );
  }
  if (scenario.steadyState.length > 0) lines.push(`steady-state probes (${scenario.steadyState.map((p) => p.name).join(', ')}): drill judges them`);
  if (scenario.rollbacks.length > 0) lines.push(`rollbacks (${scenario.rollbacks.length}): drill runs them`);
  if (scenario.faults.timeline.length > 0 || method.length > 0) {
    lines.push('phase windows are fixed in time: run drill alongside (same stack, same start) for the faults and steps to happen in them');
  }
  for (const threshold of notExported) lines.push(`threshold not exported: ${threshold}`);
  lines.push('the stack itself: start it with drill (or point the runner at a deployed one); k6 drives the load only');
  return lines;
}
