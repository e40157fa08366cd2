/**
 * Runs a playbook's actions (its `method:`, its `steps:`, or its `rollbacks:`) against the running stack, one after
 * the other: each at its `at` from the start of the load (or right after the one before it), a step due while the
 * previous one still recovers starts late and says so. A step opens its phase, acts, waits until its checks pass
 * and its SLI is back (recovery), then opens the `after-` phase, so the report shows SLIs before, during and after.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.ts';
import type { StepResult } from '../report/report-schema.ts';
import { actionService, type MethodAction } from '../scenario/method-schema.ts';
import { stepPhaseNames } from '../scenario/steps-schema.ts';
import type { OutcomeLog } from '../sli/outcome-log.ts';
import type { Timeline } from '../sli/timeline.ts';
import { performAction, type ActionContext } from './method-actions.ts';
import { pollChecks } from './recovery-checks.ts';
import { serviceAddress } from './service-address.ts';
import { describeNoRecovery, finalSliRecovery, recoverySpec, waitForSliRecovery } from './sli-recovery.ts';

export interface MethodRunnerOptions {
  actions: MethodAction[];
  context: Omit<ActionContext, 'signal'>;
  log: OutcomeLog;
  workload: string;
  timeline: Timeline;
  logger: Logger;
  /** Opens a phase; undefined for rollbacks, which keep the phase they run in. */
  onPhase?: (name: string, atMs: number) => void;
  /** Runs before the first action; false stops the method before it acts (the steady state did not hold). */
  beforeFirst?: () => Promise<boolean>;
}

interface SliJudged {
  result: StepResult;
  action: MethodAction;
  atMs: number;
  deadlineMs: number;
}

export class MethodRunner {
  readonly results: StepResult[] = [];
  /** True once the first action started. */
  acted = false;
  private readonly controller = new AbortController();
  private readonly noMoreSteps = new AbortController();
  private readonly sliJudged: SliJudged[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly options: MethodRunnerOptions) {}

  /** Starts the actions' clock at `originMs` (epoch ms of the load start); `at` is ignored with `ignoreAt`. */
  start(originMs: number, ignoreAt = false): void {
    this.running = this.runAll(originMs, ignoreAt);
  }

  /** Resolves once every action ran (or the method was stopped). */
  async done(): Promise<void> {
    await this.running;
  }

  /** The load is over: cancels steps not yet started and lets the one in progress recover (or time out). */
  async finish(): Promise<void> {
    this.noMoreSteps.abort();
    await this.running;
  }

  /** Interrupt, abort or failure: also ends the step in progress at its next check. */
  async stop(): Promise<void> {
    this.noMoreSteps.abort();
    this.controller.abort();
    await this.running;
  }

  /** Judges SLI recoveries again on the complete outcome log (late outcomes included) and draws their curves. */
  finalize(originMs: number): void {
    for (const { result, action, atMs, deadlineMs } of this.sliJudged) {
      const spec = recoverySpec(action.recovered!, this.options.workload);
      result.sliRecovery = finalSliRecovery(this.options.log, action.recovered!, spec, atMs, deadlineMs, originMs);
      const finalAfterMs = result.sliRecovery.recoveredAfterMs;
      if (result.pass && finalAfterMs === undefined) {
        result.pass = false;
        result.error = `${describeNoRecovery(action.recovered!, result.sliRecovery.curve)} (judged again once every outcome was in)`;
      } else if (result.pass && finalAfterMs !== undefined && finalAfterMs > (result.recoveryMs ?? 0)) {
        // Late outcomes (a reply that timed out) moved the SLI's recovery later: the step recovered no earlier.
        result.recoveryMs = finalAfterMs;
        const event = this.options.timeline.events.find((e) => e.type === 'recovered' && e.detail?.startsWith(`${result.name}: `));
        if (event) Object.assign(event, { atMs: atMs + finalAfterMs, tMs: atMs + finalAfterMs - originMs, detail: `${result.name}: recovered in ${finalAfterMs} ms`, measured: { recoveryMs: finalAfterMs } });
      }
    }
  }

  private async runAll(originMs: number, ignoreAt: boolean): Promise<void> {
    const { signal } = this.noMoreSteps;
    for (const [index, action] of this.options.actions.entries()) {
      const dueMs = ignoreAt || action.at === undefined ? Date.now() : originMs + action.at;
      await sleep(Math.max(0, dueMs - Date.now()), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      if (index === 0 && this.options.beforeFirst && !(await this.options.beforeFirst())) return;
      if (signal.aborted) return;
      this.acted = true;
      this.results.push(await this.runStep(action, index, originMs, Date.now() - dueMs));
    }
  }

  private async runStep(action: MethodAction, index: number, originMs: number, lateMs: number): Promise<StepResult> {
    const { context, timeline, logger, onPhase } = this.options;
    const phases = stepPhaseNames(action, index);
    const atMs = Date.now();
    onPhase?.(phases.during, atMs);
    const service = actionService(action);
    const release = 'release' in action && action.release ? action.release : undefined;
    const what = `${action.action}${service ? ` ${service}` : ''}${release ? ` on ${release}` : ''}`;
    timeline.add({ source: 'drill', type: 'step', atMs, ...(service ? { target: service } : {}), detail: `${phases.during}: ${what}${lateMs > 100 ? ` (${lateMs} ms late)` : ''}` });
    logger.info(`Drill step ${phases.during}: ${what}`);
    const base: StepResult = { name: phases.during, action: action.action, service: service ?? 'load', ...(release ? { release } : {}), atMs, tMs: atMs - originMs, pass: false, checks: [] };
    const deadlineMs = atMs + action.within;
    const signal = this.controller.signal;
    try {
      const outcome = await performAction(action, { ...context, signal });
      if (outcome.detail) base.detail = outcome.detail;
      base.checks = await pollChecks(action.checks, (check) => serviceAddress(context.stack, check.service, check.port, Boolean(check.metric)), atMs, deadlineMs, signal);
      const failed = base.checks.filter((c) => c.passedAfterMs === undefined);
      if (failed.length > 0) {
        return this.fail(base, phases.after, `not recovered within ${action.within} ms: ${failed.map((c) => `${c.target}: ${c.last ?? 'no answer'}`).join('; ')}`);
      }
      const sliBackAtMs = action.recovered ? await this.waitForSli(base, action, atMs, deadlineMs, originMs) : atMs;
      if (sliBackAtMs === undefined) return this.fail(base, phases.after, `not recovered within ${action.within} ms: ${describeNoRecovery(action.recovered!, base.sliRecovery!.curve)}`);
      const recoveryMs = Math.max(outcome.backAtMs !== undefined ? outcome.backAtMs - atMs : 0, sliBackAtMs - atMs, ...base.checks.map((c) => c.passedAfterMs!));
      onPhase?.(phases.after, Math.max(atMs + recoveryMs, Date.now()));
      timeline.add({ source: 'drill', type: 'recovered', atMs: atMs + recoveryMs, ...(service ? { target: service } : {}), detail: `${phases.during}: recovered in ${recoveryMs} ms`, measured: { recoveryMs } });
      logger.info(`Drill step ${phases.during}: recovered in ${recoveryMs} ms`);
      return Object.assign(base, { recoveryMs, pass: true });
    } catch (error) {
      return this.fail(base, phases.after, `${what} failed: ${(error as Error).message}`);
    }
  }

  private async waitForSli(base: StepResult, action: MethodAction, atMs: number, deadlineMs: number, originMs: number): Promise<number | undefined> {
    const spec = recoverySpec(action.recovered!, this.options.workload);
    this.sliJudged.push({ result: base, action, atMs, deadlineMs });
    const backAtMs = await waitForSliRecovery(this.options.log, spec, atMs, deadlineMs, this.controller.signal);
    base.sliRecovery = finalSliRecovery(this.options.log, action.recovered!, spec, atMs, Math.min(Date.now(), deadlineMs), originMs);
    return backAtMs;
  }

  private fail(base: StepResult, afterPhase: string, error: string): StepResult {
    this.options.onPhase?.(afterPhase, Date.now());
    this.options.timeline.add({ source: 'drill', type: 'step-failed', target: base.service, detail: `${base.name}: ${error}` });
    this.options.logger.warn(`Drill step ${base.name}: ${error}`);
    return Object.assign(base, { pass: false, error });
  }
}
