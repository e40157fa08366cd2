/**
 * The embedded default runtime: every service is a child process on loopback ports, in its own process group
 * (so a kill reaches anything it forked), with its output appended to the run folder. Every child is recorded
 * in the run registry the moment it exists, so a harness killed with SIGKILL leaves nothing the next start
 * cannot find.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ServiceError } from '../common/errors.ts';
import { silentLogger, type Logger } from '../common/logger.ts';
import { execInFolder } from './command-exec.ts';
import { fixtureArgv } from './fixture-command.ts';
import { tailOfLog } from './log-tail.ts';
import { processUsage } from './process-info.ts';
import { findRedisServer, redisServerArgv } from './redis-server.ts';
import { waitForReadiness } from './readiness.ts';
import type { RunRegistry } from './run-registry.ts';
import type {
  ExecResult,
  ExitInfo,
  PausedService,
  PortBinding,
  RestartOptions,
  Runtime,
  RunningService,
  ServicePlan,
  StartOptions,
  StoppedService,
} from './runtime.ts';

/** Grace period a service without a readiness probe must survive to count as started, ms. */
const NO_PROBE_GRACE_MS = 300;

export class ProcessRuntime implements Runtime {
  readonly name = 'process' as const;

  constructor(
    private readonly registry: RunRegistry,
    private readonly logger: Logger = silentLogger,
  ) {}

  async start(plan: ServicePlan, options: StartOptions = {}): Promise<RunningService> {
    const log = this.logger.child('runtime', { service: plan.name });
    log.info(`Starting ${plan.name} (${plan.kind}, release ${plan.release})…`);
    const started = performance.now();
    const child = this.spawn(plan);
    const handle = new ChildHandle(child, plan, this.registry);
    try {
      if (plan.readiness) {
        const binding = plan.ports[plan.readiness.port];
        if (!binding) throw new ServiceError(`${plan.name}: readiness port "${plan.readiness.port}" is not one of its ports`);
        await waitForReadiness(plan.name, plan.readiness, binding, {
          exited: handle.exited,
          ...(options.signal ? { signal: options.signal } : {}),
          describeFailure: () => tailOfLog(plan.logFile),
        });
      } else {
        await Promise.race([new Promise((r) => setTimeout(r, NO_PROBE_GRACE_MS)), handle.exited]);
        if (handle.hasExited) throw new ServiceError(`${plan.name} exited at start.\n${tailOfLog(plan.logFile)}`);
      }
    } catch (error) {
      log.error(`Failed to start ${plan.name}: ${(error as Error).message.split('\n')[0]}`);
      await handle.terminate('SIGKILL', 0);
      throw error;
    }
    log.info(`Started ${plan.name} in ${Math.round(performance.now() - started)} ms (pid ${child.pid})`);
    return new RunningProcess(this, plan, handle, Date.now(), log);
  }

  private spawn(plan: ServicePlan): ChildProcess {
    const argv = this.argvOf(plan);
    mkdirSync(plan.dataDir, { recursive: true });
    mkdirSync(path.dirname(plan.logFile), { recursive: true });
    const logFd = openSync(plan.logFile, 'a');
    writeSync(logFd, `--- ${new Date().toISOString()} starting ${plan.name} release ${plan.release}: ${argv.join(' ')}\n`);
    try {
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: plan.source.type === 'command' && plan.source.cwd ? plan.source.cwd : plan.dataDir,
        env: { ...process.env, ...plan.env },
        stdio: ['ignore', logFd, logFd],
        detached: true,
      });
      if (child.pid === undefined) throw new ServiceError(`could not start ${plan.name}: ${argv[0]} did not spawn`);
      this.registry.addChild(plan.name, child.pid);
      return child;
    } finally {
      closeSync(logFd);
    }
  }

  private argvOf(plan: ServicePlan): string[] {
    switch (plan.source.type) {
      case 'fixture':
        return fixtureArgv(plan.source.fixture);
      case 'command':
        return plan.source.argv;
      case 'server':
        return redisServerArgv(plan, findRedisServer());
      default:
        throw new ServiceError(`the process runtime cannot start ${plan.name} from ${plan.source.type}; use runtime: ${plan.source.type === 'image' ? 'docker' : 'external'}`);
    }
  }
}

/** One child process and its exit, shared by the service states that wrap it. */
class ChildHandle {
  readonly exited: Promise<ExitInfo>;
  hasExited = false;
  private expected = false;

  constructor(
    readonly child: ChildProcess,
    readonly plan: ServicePlan,
    private readonly registry: RunRegistry,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.hasExited = true;
        this.signalGroup('SIGKILL'); // anything the service forked goes with it
        this.registry.removeChild(child.pid!);
        resolve({ code, signal, expected: this.expected });
      }),
    );
  }

  signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      /* group already gone */
    }
  }

  /** Sends `signal`, escalates to SIGKILL after `graceMs`, and waits for the exit. */
  async terminate(signal: NodeJS.Signals, graceMs: number): Promise<ExitInfo> {
    this.expected = true;
    if (!this.hasExited) {
      this.signalGroup('SIGCONT'); // a paused process cannot act on SIGTERM
      this.signalGroup(signal);
      const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }
}

class RunningProcess implements RunningService {
  readonly state = 'running' as const;

  constructor(
    private readonly runtime: ProcessRuntime,
    readonly plan: ServicePlan,
    private readonly handle: ChildHandle,
    readonly readyAtMs: number,
    private readonly log: Logger,
  ) {}

  get pid(): number | undefined {
    return this.handle.child.pid;
  }

  exec(argv: string[], timeoutMs: number): Promise<ExecResult> {
    return execInFolder(this.plan, argv, timeoutMs);
  }

  get exited(): Promise<ExitInfo> {
    return this.handle.exited;
  }

  address(port: string): PortBinding {
    const binding = this.plan.ports[port];
    if (!binding) throw new ServiceError(`${this.plan.name} has no port "${port}"; it has ${Object.keys(this.plan.ports).join(', ')}`);
    return binding;
  }

  async stop(): Promise<StoppedService> {
    this.log.info(`Stopping ${this.plan.name}…`);
    const exit = await this.handle.terminate('SIGTERM', this.plan.stopTimeoutMs);
    return new StoppedProcess(this.runtime, this.plan, exit);
  }

  async kill(): Promise<StoppedService> {
    this.log.info(`Killing ${this.plan.name} (SIGKILL)`);
    const exit = await this.handle.terminate('SIGKILL', 0);
    return new StoppedProcess(this.runtime, this.plan, exit);
  }

  async pause(): Promise<PausedService> {
    this.log.info(`Pausing ${this.plan.name} (SIGSTOP)`);
    this.handle.signalGroup('SIGSTOP');
    return new PausedProcess(this, this.handle, this.log);
  }

  async restart(options: RestartOptions = {}): Promise<RunningService> {
    const stopped = options.kill ? await this.kill() : await this.stop();
    if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
    return stopped.start(options.release ? { release: options.release } : {});
  }

  async usage() {
    return this.pid === undefined ? undefined : processUsage(this.pid);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

class PausedProcess implements PausedService {
  readonly state = 'paused' as const;

  constructor(
    private readonly running: RunningProcess,
    private readonly handle: ChildHandle,
    private readonly log: Logger,
  ) {}

  get plan(): ServicePlan {
    return this.running.plan;
  }

  async resume(): Promise<RunningService> {
    this.log.info(`Resuming ${this.plan.name} (SIGCONT)`);
    this.handle.signalGroup('SIGCONT');
    return this.running;
  }

  kill(): Promise<StoppedService> {
    return this.running.kill();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }
}

class StoppedProcess implements StoppedService {
  readonly state = 'stopped' as const;

  constructor(
    private readonly runtime: ProcessRuntime,
    readonly plan: ServicePlan,
    readonly exit: ExitInfo,
  ) {}

  start(options: { release?: string } = {}): Promise<RunningService> {
    const release = options.release ?? this.plan.release;
    return this.runtime.start({ ...this.plan, release, env: { ...this.plan.env, DRILL_RELEASE: release } });
  }

  /** The folder outlives the process, so an operator's commands on its files (a restore) run while it is down. */
  exec(argv: string[], timeoutMs: number): Promise<ExecResult> {
    return execInFolder(this.plan, argv, timeoutMs);
  }
}
