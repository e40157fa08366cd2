/**
 * Everything fault injection needs for one run: the fault server, a proxy per link (the run's LinkRouter),
 * and the fault timeline. The run's timeline records which server ran the faults. `close()` runs on every exit
 * path: cancel pending faults, /reset, prove no toxic is left, remove the run's proxies, stop the server the run
 * started (embedded or container).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../common/logger.ts';
import type { RunRegistry } from '../../runtime/run-registry.ts';
import type { ServicePlan } from '../../runtime/runtime.ts';
import type { FaultSpec } from '../../scenario/faults-schema.ts';
import type { Scenario } from '../../scenario/scenario-schema.ts';
import { resolveLinkReference } from '../../scenario/scenario-rules.ts';
import type { Timeline } from '../../sli/timeline.ts';
import { openFaultServer, type FaultServer } from './fault-server.ts';
import { FaultTimeline, type FaultTimelineOptions } from './fault-timeline.ts';
import { LinkProxies } from './link-proxies.ts';

export class FaultLayer {
  private timelineRunner: FaultTimeline | undefined;
  private readonly stepRunners: FaultTimeline[] = [];
  private probePath: FaultTimelineOptions['probePath'] = () => undefined;
  private closed = false;

  private constructor(
    private readonly server: FaultServer,
    readonly links: LinkProxies,
    private readonly scenario: Scenario,
    private readonly logger: Logger,
  ) {}

  /**
   * Opens the fault server when the scenario has links; undefined when there is nothing to proxy. `run` labels
   * and records a Toxiproxy container with the run, so the reaper finds it.
   */
  static async open(scenario: Scenario, logger: Logger, run?: { runId: string; registry: RunRegistry }): Promise<FaultLayer | undefined> {
    if (scenario.links.length === 0) return undefined;
    const server = await openFaultServer(scenario.faults, { seed: scenario.seed, logger, allowNonLoopback: scenario.allowNonLoopback, ...run });
    try {
      await server.control.ensureSupports({
        proxies: scenario.links.map((l) => ({ name: `${l.from}_to_${l.to}`, protocol: l.protocol })),
        toxics: scenario.faults.timeline.flatMap((f) => (resolveLinkReference(f.link) ?? []).map((l) => ({ proxy: `${l.from}_to_${l.to}`, type: f.type }))),
      });
    } catch (error) {
      await server[Symbol.asyncDispose]();
      throw error;
    }
    return new FaultLayer(server, new LinkProxies(server.control), scenario, logger);
  }

  /** True when the scenario schedules faults (its SLIs are then kept per fault phase). */
  get hasTimeline(): boolean {
    return this.scenario.faults.timeline.length > 0;
  }

  get description(): string {
    return this.server.description;
  }

  /** Prepares the timeline once the stack runs (baseline probes through each faulted link). */
  async prepare(timeline: Timeline, plans: (name: string) => ServicePlan, onPhase: (name: string, atMs: number) => void): Promise<void> {
    timeline.add({ source: 'fault', type: 'server', detail: this.server.description });
    this.probePath = (link) => {
      const readiness = plans(link.to).readiness;
      const carriesProbe = readiness && plans(link.to).ports[readiness.port]?.port === link.upstream.port;
      // A Redis port answers no HTTP (it drops the connection), so its faults are verified by read-back.
      return carriesProbe && readiness.protocol !== 'redis' ? readiness.path : undefined;
    };
    this.timelineRunner = new FaultTimeline({
      faults: this.scenario.faults.timeline,
      control: this.server.control,
      links: this.links,
      timeline,
      verify: this.scenario.faults.verify,
      logger: this.logger,
      onPhase,
      probePath: this.probePath,
    });
    await this.timelineRunner.measureBaselines();
  }

  start(loadStartedAtMs: number): void {
    this.timelineRunner?.start(loadStartedAtMs);
  }

  /**
   * Injects one fault now (a playbook's `fault` action), verified as the timeline's are; with `for`, resolves once it
   * is cleared again, else at once (the fault stays until the rollbacks or the end of the run). Throws what failed.
   */
  async injectNow(fault: FaultSpec, timeline: Timeline, signal: AbortSignal): Promise<void> {
    const runner = new FaultTimeline({
      faults: [{ ...fault, at: 0 }],
      control: this.server.control,
      links: this.links,
      timeline,
      verify: this.scenario.faults.verify,
      logger: this.logger,
      probePath: this.probePath,
      toxicPrefix: `step${this.stepRunners.length}_`,
    });
    this.stepRunners.push(runner);
    await runner.measureBaselines();
    runner.start(Date.now());
    if (fault.for) await sleep(fault.for + 20, undefined, { signal }).catch(() => undefined);
    else await sleep(20);
    await runner.settled();
    if (runner.errors.length) throw new Error(runner.errors.join('; '));
  }

  /** Errors of faults that could not be injected or verified. */
  get errors(): string[] {
    return this.timelineRunner?.errors ?? [];
  }

  /** Cancels pending faults, resets the server and checks it; returns problems instead of throwing. */
  async close(): Promise<string[]> {
    if (this.closed) return [];
    this.closed = true;
    const problems: string[] = [];
    try {
      await this.timelineRunner?.stop();
      for (const runner of this.stepRunners) await runner.stop();
      if (this.timelineRunner) await this.timelineRunner.resetAndCheck();
      else await this.server.control.reset();
      if (!this.server.ownedByRun) await this.links.deleteAll();
    } catch (error) {
      problems.push(`fault cleanup: ${(error as Error).message}`);
    } finally {
      await this.server[Symbol.asyncDispose]();
    }
    return problems;
  }
}
