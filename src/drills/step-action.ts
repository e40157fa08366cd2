/** What a drill step does to its service, through the running stack (so every action lands in the timeline). */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningStack } from '../runtime/stack.ts';
import type { ProcessAction } from '../scenario/method-schema.ts';
import type { StepSpec } from '../scenario/steps-schema.ts';

/**
 * Performs the step's action. Returns the epoch ms at which the service was back and ready (its readiness
 * probe passed), or undefined when the step leaves it down or paused.
 */
export async function performStepAction(stack: RunningStack, step: StepSpec | ProcessAction, signal: AbortSignal): Promise<number | undefined> {
  const { service } = step;
  const release = step.release ? { release: step.release } : {};
  switch (step.action) {
    case 'restart':
    case 'rollback':
    case 'upgrade':
      await stack.restart(service, { ...release, kill: step.kill, downMs: step.down });
      return Date.now();
    case 'start':
      await stack.restart(service, release);
      return Date.now();
    case 'resume':
      await stack.resume(service);
      return Date.now();
    case 'stop':
    case 'kill':
      await (step.action === 'stop' ? stack.stop(service) : stack.kill(service));
      if (step.for === undefined || !(await waitUnlessAborted(step.for, signal))) return undefined;
      await stack.restart(service);
      return Date.now();
    case 'pause':
      await stack.pause(service);
      if (step.for === undefined || !(await waitUnlessAborted(step.for, signal))) return undefined;
      await stack.resume(service);
      return Date.now();
  }
}

/** Waits `ms`; false when the run was stopped meanwhile (teardown brings everything down anyway). */
async function waitUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
  return !signal.aborted;
}
