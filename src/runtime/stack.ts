/**
 * A running stack: every service of a scenario, started in dependency order, addressed by name.
 * Drill steps act on services by name (stop, kill, restart, pause, resume); each action is reported as an
 * event. Teardown stops everything in reverse order and runs on every path (`await using`).
 */
import { ServiceError } from '../common/errors.ts';
import { silentLogger, type Logger } from '../common/logger.ts';
import { releasePort } from './free-port.ts';
import { planReplica } from './replica-plan.ts';
import type { PausedService, RestartOptions, Runtime, RunningService, ServicePlan, StoppedService } from './runtime.ts';

export type StackEventType = 'started' | 'stopped' | 'killed' | 'paused' | 'resumed' | 'restarted' | 'exited-unexpectedly';

export interface StackEvent {
  type: StackEventType;
  service: string;
  /** Epoch ms. */
  atMs: number;
  detail?: string;
}

type ServiceState = RunningService | PausedService | StoppedService;

export interface StackOptions {
  logger?: Logger;
  signal?: AbortSignal;
  onEvent?: (event: StackEvent) => void;
}

export class RunningStack implements AsyncDisposable {
  private readonly states = new Map<string, ServiceState>();
  private tornDown = false;
  /** Service names in start order. */
  private readonly order: string[];

  private constructor(
    private readonly runtime: Runtime,
    private readonly plans: ServicePlan[],
    private readonly options: StackOptions,
  ) {
    this.order = plans.map((p) => p.name);
  }

  /**
   * Starts every plan in order (with `dependencies`, each as soon as the services it depends on are up, the others
   * at the same time); if one fails, the ones already started are stopped before the error is rethrown.
   */
  static async start(runtime: Runtime, plans: ServicePlan[], options: StackOptions = {}, dependencies?: ReadonlyMap<string, ReadonlySet<string>>): Promise<RunningStack> {
    const stack = new RunningStack(runtime, plans, options);
    try {
      if (dependencies) await stack.startConcurrently(dependencies);
      else for (const plan of plans) await stack.startOne(plan);
    } catch (error) {
      await stack.teardown();
      throw error;
    }
    return stack;
  }

  /** The runtime the services run on (process, docker, external). */
  get runtimeName(): string {
    return this.runtime.name;
  }

  get serviceNames(): readonly string[] {
    return this.order;
  }

  state(name: string): ServiceState {
    const state = this.states.get(name);
    if (!state) throw new ServiceError(`no service "${name}" in this stack; it has ${this.order.join(', ')}`);
    return state;
  }

  /** The running service; throws when it is stopped or paused. */
  running(name: string): RunningService {
    const state = this.state(name);
    if (state.state !== 'running') throw new ServiceError(`${name} is ${state.state}, not running`);
    return state;
  }

  plan(name: string): ServicePlan {
    return this.state(name).plan;
  }

  async stop(name: string): Promise<void> {
    this.states.set(name, await this.running(name).stop());
    this.emit('stopped', name);
  }

  async kill(name: string): Promise<void> {
    const state = this.state(name);
    if (state.state === 'stopped') return;
    this.states.set(name, await state.kill());
    this.emit('killed', name);
  }

  async pause(name: string): Promise<void> {
    this.states.set(name, await this.running(name).pause());
    this.emit('paused', name);
  }

  async resume(name: string): Promise<void> {
    const state = this.state(name);
    if (state.state !== 'paused') throw new ServiceError(`${name} is ${state.state}, not paused`);
    this.states.set(name, await state.resume());
    this.emit('resumed', name);
  }

  /** Restart a running service, or start a stopped one; optionally on another release. */
  async restart(name: string, options: RestartOptions = {}): Promise<void> {
    const state = this.state(name);
    const next =
      state.state === 'running'
        ? await state.restart(options)
        : state.state === 'stopped'
          ? await state.start(options.release ? { release: options.release } : {})
          : await (await state.kill()).start(options.release ? { release: options.release } : {});
    this.track(next, 'restarted', options.release ? `release ${options.release}` : undefined);
  }

  /**
   * Scales `name` to `replicas` instances, the original included: starts replicas `NAME-2`, `NAME-3`, … (each with
   * its own ports, log and folder) or stops the highest-numbered ones. Returns the replicas' names after the change.
   */
  async scale(name: string, replicas: number): Promise<string[]> {
    const original = this.plan(name);
    const current = () => this.order.filter((n) => replicaOf(n, name) !== undefined).sort((a, b) => replicaOf(a, name)! - replicaOf(b, name)!);
    for (let n = current().length + 2; n <= replicas; n++) {
      const plan = await planReplica(original, `${name}-${n}`);
      this.plans.push(plan);
      this.order.push(plan.name);
      this.track(await this.runtime.start(plan, this.options.signal ? { signal: this.options.signal } : {}), 'started');
    }
    for (const extra of current().slice(Math.max(0, replicas - 1)).reverse()) {
      const state = this.state(extra);
      if (state.state !== 'stopped') this.states.set(extra, state.state === 'running' ? await state.stop() : await state.kill());
      this.emit('stopped', extra, `replica of ${name} removed`);
      this.order.splice(this.order.indexOf(extra), 1);
      this.states.delete(extra);
      const plan = this.plans.splice(this.plans.findIndex((p) => p.name === extra), 1)[0]!;
      for (const binding of Object.values(plan.ports)) releasePort(binding.port);
    }
    return current();
  }

  private async startOne(plan: ServicePlan): Promise<void> {
    const { signal } = this.options;
    if (signal?.aborted) throw new ServiceError('Stack start interrupted', { cause: signal.reason });
    this.track(await this.runtime.start(plan, signal ? { signal } : {}), 'started');
  }

  /** Plans come in dependency order; a failed start stops its dependents, and the starts in flight finish first. */
  private async startConcurrently(dependencies: ReadonlyMap<string, ReadonlySet<string>>): Promise<void> {
    const started = new Map<string, Promise<void>>();
    for (const plan of this.plans) {
      const after = [...(dependencies.get(plan.name) ?? [])].flatMap((name) => started.get(name) ?? []);
      started.set(plan.name, Promise.all(after).then(() => this.startOne(plan)));
    }
    const failed = (await Promise.allSettled(started.values())).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Stops every service in reverse start order. Safe to call more than once. */
  async teardown(): Promise<void> {
    if (this.tornDown) return;
    this.tornDown = true;
    const failures: string[] = [];
    for (const name of [...this.order].reverse()) {
      const state = this.states.get(name);
      if (!state || state.state === 'stopped') continue;
      try {
        this.states.set(name, state.state === 'running' ? await state.stop() : await state.kill());
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    if (failures.length > 0) throw new ServiceError(`Teardown failed for ${failures.join('; ')}`);
    // Only once every service is known to be gone; after a failed stop the ports stay claimed until exit.
    for (const plan of this.plans) for (const binding of Object.values(plan.ports)) releasePort(binding.port);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.teardown();
  }

  private track(service: RunningService, type: StackEventType, detail?: string): void {
    this.states.set(service.plan.name, service);
    this.emit(type, service.plan.name, detail ?? `pid ${service.pid ?? '-'}, release ${service.plan.release}`);
    void service.exited.then((exit) => {
      if (exit.expected || this.tornDown || this.states.get(service.plan.name) !== service) return;
      (this.options.logger ?? silentLogger).warn(`${service.plan.name} exited unexpectedly (code ${exit.code}, signal ${exit.signal})`);
      this.emit('exited-unexpectedly', service.plan.name, `code ${exit.code}, signal ${exit.signal}`);
    });
  }

  private emit(type: StackEventType, service: string, detail?: string): void {
    this.options.onEvent?.({ type, service, atMs: Date.now(), ...(detail ? { detail } : {}) });
  }
}

/** N when `candidate` is replica `NAME-N` of `name` (N ≥ 2). */
function replicaOf(candidate: string, name: string): number | undefined {
  const match = candidate.startsWith(`${name}-`) ? /^(\d+)$/.exec(candidate.slice(name.length + 1)) : null;
  return match && Number(match[1]) >= 2 ? Number(match[1]) : undefined;
}
