/**
 * Runs a scenario's drill steps against the running stack while the load goes on: each at its time from the
 * start of the load, one after the other (a runbook's steps do not overlap; a step due while the previous
 * one still recovers starts late, and says so). A step opens its phase, acts on its service, waits until its
 * checks pass (recovery), then opens the `after-` phase, so the report shows SLIs before, during and after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.ts';
import type { StepResult } from '../report/report-schema.ts';
import type { RunningStack } from '../runtime/stack.ts';
import { stepPhaseNames, type StepCheck, type StepSpec } from '../scenario/steps-schema.ts';
import type { Timeline } from '../sli/timeline.ts';
import type { PortBinding } from '../runtime/runtime.ts';
import { pollChecks } from './recovery-checks.ts';
import { performStepAction } from './step-action.ts';

export interface DrillStepsOptions {
  steps: StepSpec[];
  stack: RunningStack;
  timeline: Timeline;
  logger: Logger;
  onPhase: (name: string, atMs: number) => void;
}

export class DrillSteps {
  readonly results: StepResult[] = [];
  private readonly controller = new AbortController();
  private readonly noMoreSteps = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly options: DrillStepsOptions) {}

  /** Starts the steps' clock at `originMs` (epoch ms of the load start). */
  start(originMs: number): void {
    this.running = this.runAll(originMs);
  }

  /** The load is over: cancels steps not yet started and lets the one in progress recover (or time out). */
  async finish(): Promise<void> {
    this.noMoreSteps.abort();
    await this.running;
  }

  /** Interrupt or failure: also ends the step in progress at its next check. */
  async stop(): Promise<void> {
    this.noMoreSteps.abort();
    this.controller.abort();
    await this.running;
  }

  private async runAll(originMs: number): Promise<void> {
    const { signal } = this.noMoreSteps;
    for (const [index, step] of this.options.steps.entries()) {
      const dueMs = originMs + step.at;
      await sleep(Math.max(0, dueMs - Date.now()), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      this.results.push(await this.runStep(step, index, originMs, Date.now() - dueMs));
    }
  }

  private async runStep(step: StepSpec, index: number, originMs: number, lateMs: number): Promise<StepResult> {
    const { stack, timeline, logger, onPhase } = this.options;
    const phases = stepPhaseNames(step, index);
    const atMs = Date.now();
    onPhase(phases.during, atMs);
    const what = `${step.action} ${step.service}${step.release ? ` on ${step.release}` : ''}`;
    timeline.add({ source: 'drill', type: 'step', atMs, target: step.service, detail: `${phases.during}: ${what}${lateMs > 100 ? ` (${lateMs} ms late)` : ''}` });
    logger.info(`Drill step ${phases.during}: ${what}`);
    const base = { name: phases.during, action: step.action, service: step.service, ...(step.release ? { release: step.release } : {}), atMs, tMs: atMs - originMs };
    const deadlineMs = atMs + step.within;
    let backAtMs: number | undefined;
    try {
      backAtMs = await performStepAction(stack, step, this.controller.signal);
    } catch (error) {
      return this.fail(base, phases.after, `${what} failed: ${(error as Error).message}`, []);
    }
    let checks: StepResult['checks'];
    try {
      checks = await pollChecks(step.checks, (check) => checkAddress(stack, check), atMs, deadlineMs, this.controller.signal);
    } catch (error) {
      return this.fail(base, phases.after, (error as Error).message, []);
    }
    const failed = checks.filter((c) => c.passedAfterMs === undefined);
    if (failed.length > 0) {
      const reason = failed.map((c) => `${c.target}: ${c.last ?? 'no answer'}`).join('; ');
      return this.fail(base, phases.after, `not recovered within ${step.within} ms: ${reason}`, checks);
    }
    const recoveryMs = Math.max(backAtMs !== undefined ? backAtMs - atMs : 0, ...checks.map((c) => c.passedAfterMs!));
    const recoveredAtMs = atMs + recoveryMs;
    onPhase(phases.after, Math.max(recoveredAtMs, Date.now()));
    timeline.add({ source: 'drill', type: 'recovered', atMs: recoveredAtMs, target: step.service, detail: `${phases.during}: recovered in ${recoveryMs} ms`, measured: { recoveryMs } });
    logger.info(`Drill step ${phases.during}: recovered in ${recoveryMs} ms`);
    return { ...base, recoveryMs, pass: true, checks };
  }

  private fail(base: Omit<StepResult, 'pass' | 'checks'>, afterPhase: string, error: string, checks: StepResult['checks']): StepResult {
    this.options.onPhase(afterPhase, Date.now());
    this.options.timeline.add({ source: 'drill', type: 'step-failed', target: base.service, detail: `${base.name}: ${error}` });
    this.options.logger.warn(`Drill step ${base.name}: ${error}`);
    return { ...base, pass: false, checks, error };
  }
}

/** The port a check probes: its own, else (for a metric) the service's `metrics` port, its readiness port, its first. */
function checkAddress(stack: RunningStack, check: StepCheck): PortBinding {
  const plan = stack.plan(check.service);
  const name = check.port ?? (check.metric && plan.ports.metrics ? 'metrics' : (plan.readiness?.port ?? Object.keys(plan.ports)[0]));
  const binding = name === undefined ? undefined : plan.ports[name];
  if (!binding) throw new Error(`check on ${check.service}: no port "${name}"; it has ${Object.keys(plan.ports).join(', ')}`);
  return binding;
}
