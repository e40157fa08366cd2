/**
 * One playbook run, around the load: the steady-state hypothesis before the method (nothing is done when it does
 * not hold), abortOnFail probes while the method runs (the first breach stops it), the hypothesis again after it,
 * and the rollbacks, by strategy, also after an abort, an interrupt or a failed step.
 */
import type { Logger } from '../common/logger.ts';
import type { ProbeResult, StepResult } from '../report/report-schema.ts';
import { playbookMethod } from '../scenario/method-schema.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { OutcomeLog } from '../sli/outcome-log.ts';
import type { Timeline } from '../sli/timeline.ts';
import type { ActionContext } from './method-actions.ts';
import { MethodRunner } from './method-runner.ts';
import { Probe } from './probes.ts';

export interface PlaybookOptions {
  scenario: Scenario;
  context: Omit<ActionContext, 'signal' | 'vars'>;
  log: OutcomeLog;
  timeline: Timeline;
  logger: Logger;
  onPhase: (name: string, atMs: number) => void;
  /** Ends the load early: the steady state did not hold, or an abortOnFail probe breached. */
  stopLoad: (reason: string) => void;
}

/** What the playbook did, for the report. */
export interface PlaybookOutcome {
  steadyState: { before: ProbeResult[]; during: ProbeResult[]; after: ProbeResult[] } | undefined;
  notSteady: boolean;
  /** The abortOnFail probe's breach that stopped the method. */
  abortedBy: ProbeResult | undefined;
  rollbacks: StepResult[];
  rollbackStrategy: Scenario['rollbackStrategy'] | undefined;
}

export class Playbook {
  readonly method: MethodRunner;
  private readonly probes: Probe[];
  private readonly before: ProbeResult[] = [];
  private readonly during: ProbeResult[] = [];
  private readonly after: ProbeResult[] = [];
  private readonly watchers: NodeJS.Timeout[] = [];
  private rollbackResults: StepResult[] = [];
  private notSteady = false;
  private abortedBy: ProbeResult | undefined;
  private stopping: Promise<void> | undefined;
  /** Epoch ms the method's first action started: the end of the baseline phase that `… baseline` conditions compare with. */
  private baselineEndMs: number | undefined;

  /** Shared by the method and the rollbacks, so a rollback can use what the method captured. */
  private readonly context: Omit<ActionContext, 'signal'>;

  constructor(private readonly options: PlaybookOptions) {
    const probes = {
      ...options.context.probes,
      baseline: () => ({ startMs: options.context.probes.originMs(), endMs: this.baselineEndMs ?? Date.now() }),
    };
    this.context = { ...options.context, probes, vars: new Map() };
    this.probes = options.scenario.steadyState.map((spec) => Probe.from(spec, probes));
    this.method = new MethodRunner({
      actions: playbookMethod(options.scenario),
      context: this.context,
      log: options.log,
      workload: options.scenario.workload.type,
      timeline: options.timeline,
      logger: options.logger,
      onPhase: options.onPhase,
      beforeFirst: () => this.judgeBefore(),
    });
  }

  get hasMethod(): boolean {
    return playbookMethod(this.options.scenario).length > 0;
  }

  start(originMs: number): void {
    this.method.start(originMs);
  }

  /** The load is over: lets the method end and stops watching. */
  async finish(): Promise<void> {
    await this.method.finish();
    this.stopWatching();
  }

  /** Interrupt or failure: ends the method at once. */
  async stop(): Promise<void> {
    this.stopWatching();
    await this.method.stop();
  }

  /** The hypothesis after the method, SLI probes over the window ending at `loadEndMs` (epoch ms). */
  async judgeAfter(loadEndMs: number): Promise<void> {
    if (!this.method.acted || this.notSteady || this.abortedBy) return;
    for (const probe of this.probes) {
      const result = await probe.run(probe.spec.sli ? loadEndMs : undefined);
      this.after.push(result);
      if (!result.pass) this.options.timeline.add({ source: 'drill', type: 'deviated', detail: `after the method: ${result.name}: ${result.observed}` });
    }
  }

  /** Runs the rollbacks when the strategy says so; `passed` is whether the drill has so far not deviated. */
  async rollback(originMs: number, passed: boolean): Promise<void> {
    const { scenario } = this.options;
    if (!this.method.acted || scenario.rollbacks.length === 0) return;
    const deviated = !passed || this.abortedBy !== undefined || this.after.some((r) => !r.pass) || this.method.results.some((s) => !s.pass);
    if (scenario.rollbackStrategy === 'deviated' && !deviated) return;
    this.options.timeline.add({ source: 'drill', type: 'rollbacks', detail: `${scenario.rollbacks.length} action(s), strategy ${scenario.rollbackStrategy}` });
    const runner = new MethodRunner({ ...this.runnerOptions(), actions: scenario.rollbacks });
    runner.start(originMs, true);
    await runner.done();
    runner.finalize(originMs);
    this.rollbackResults = runner.results.map((r) => ({ ...r, name: `rollback-${r.name}` }));
  }

  outcome(): PlaybookOutcome {
    const { scenario } = this.options;
    return {
      steadyState: this.probes.length ? { before: this.before, during: this.during, after: this.after } : undefined,
      notSteady: this.notSteady,
      abortedBy: this.abortedBy,
      rollbacks: this.rollbackResults,
      rollbackStrategy: scenario.rollbacks.length ? scenario.rollbackStrategy : undefined,
    };
  }

  private runnerOptions() {
    const { log, timeline, logger, scenario } = this.options;
    return { context: this.context, log, timeline, logger, workload: scenario.workload.type };
  }

  private async judgeBefore(): Promise<boolean> {
    for (const probe of this.probes) this.before.push(await probe.run());
    this.baselineEndMs = Date.now();
    const failed = this.before.filter((r) => !r.pass);
    if (failed.length > 0) {
      this.notSteady = true;
      const what = failed.map((r) => `${r.name}: ${r.observed}`).join('; ');
      this.options.timeline.add({ source: 'drill', type: 'not-steady', detail: `steady state does not hold before the method; nothing was done: ${what}` });
      this.options.logger.warn(`Steady state does not hold before the method: ${what}`);
      this.options.stopLoad(`not steady: ${what}`);
      return false;
    }
    this.watch();
    return true;
  }

  /** abortOnFail probes, each on its own interval, while the method runs. */
  private watch(): void {
    for (const probe of this.probes.filter((p) => p.spec.abortOnFail)) {
      let busy = false;
      const timer = setInterval(() => {
        if (busy || this.abortedBy) return;
        busy = true;
        void probe.run().then((result) => {
          busy = false;
          if (result.pass || this.abortedBy) return;
          this.during.push(result);
          this.abortedBy = result;
          this.options.timeline.add({ source: 'drill', type: 'abort', detail: `abortOnFail probe ${result.name}: ${result.observed}` });
          this.options.logger.warn(`abortOnFail probe ${result.name} breached (${result.observed}): stopping the method, running rollbacks`);
          this.stopping = this.stop();
          this.options.stopLoad(`abortOnFail probe ${result.name}`);
        });
      }, probe.spec.interval);
      this.watchers.push(timer);
    }
  }

  private stopWatching(): void {
    for (const timer of this.watchers) clearInterval(timer);
    this.watchers.length = 0;
  }

  /** Resolves once a stop caused by an abort finished. */
  async settled(): Promise<void> {
    await this.stopping;
  }
}
