/**
 * The runtime interface: how a service of the stack is started, and what can be done to it while it runs.
 * Implemented by the process runtime (the default), and later by the container and external runtimes.
 *
 * Lifecycles are types: `Runtime.start()` → `RunningService` → `stop()`/`kill()` → `StoppedService` → `start()`;
 * `pause()` → `PausedService` → `resume()`. A call that is wrong for the state does not compile.
 */
import type { ServiceKind } from '../scenario/service-schema.ts';

export type RuntimeName = 'process' | 'docker' | 'external';

/** A named port of a service, as the harness reaches it. */
export interface PortBinding {
  name: string;
  protocol: 'tcp' | 'udp';
  host: string;
  port: number;
}

export type ServiceSource =
  | { type: 'fixture'; fixture: string }
  | { type: 'command'; argv: string[]; cwd?: string }
  | { type: 'image'; image: string }
  /** A real server program drill knows how to start (see redis-server.ts). */
  | { type: 'server'; server: 'redis' }
  | { type: 'external'; url: string };

export interface ReadinessProbe {
  /** Named port of the service the probe targets. */
  port: string;
  /** HTTP path; 2xx means ready. Unused by a `redis` probe. */
  path: string;
  /** `http` (default): GET `path` answers 2xx; `redis`: a PING answers +PONG. */
  protocol?: 'http' | 'redis';
  timeoutMs: number;
  intervalMs: number;
}

/** Everything a runtime needs to start one service: resolved from the scenario, ports allocated, templates expanded. */
export interface ServicePlan {
  name: string;
  kind: ServiceKind;
  release: string;
  source: ServiceSource;
  /** Environment with every `${...}` template expanded. */
  env: Record<string, string>;
  ports: Record<string, PortBinding>;
  readiness: ReadinessProbe | undefined;
  /** Grace period between SIGTERM and SIGKILL. */
  stopTimeoutMs: number;
  /** Where stdout and stderr of the service are appended. */
  logFile: string;
  /** The service's own folder in the run folder: its working directory, kept across restarts (SQLite files, token stores). */
  dataDir: string;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  /** True when the harness asked for the exit (stop, kill, restart). */
  expected: boolean;
}

export interface ResourceUsage {
  /** CPU time since start, seconds. */
  cpuSeconds: number;
  /** Resident memory, bytes. */
  rssBytes: number;
}

export interface RestartOptions {
  /** Start this release instead of the current one (rollback, upgrade). */
  release?: string;
  /** Stay down this long between stop and start, ms. */
  downMs?: number;
  /** SIGKILL instead of a graceful stop. */
  kill?: boolean;
}

/** What a command run for a service (`exec`) did. */
export interface ExecResult {
  /** null when it did not exit by itself (killed at its timeout, or no code known). */
  exitCode: number | null;
  /** stdout and stderr, as they came (bounded). */
  output: string;
  timedOut: boolean;
}

export interface RunningService extends AsyncDisposable {
  readonly plan: ServicePlan;
  readonly state: 'running';
  /** OS process id (process runtime) or undefined. */
  readonly pid: number | undefined;
  /** Epoch ms when the service passed its readiness probe. */
  readonly readyAtMs: number;
  /** The image a container runs: its reference and the engine's id of it (`sha256:…`); undefined for processes. */
  readonly image?: { ref: string; id: string };
  /** The address the harness reaches a named port at. */
  address(port: string): PortBinding;
  /** Resolves when the service exits for any reason; `expected` tells whether the harness asked for it. */
  readonly exited: Promise<ExitInfo>;
  /** Graceful stop: SIGTERM, then SIGKILL after `stopTimeoutMs`. */
  stop(): Promise<StoppedService>;
  /** SIGKILL at once. */
  kill(): Promise<StoppedService>;
  /** Freeze the service (SIGSTOP / docker pause): it keeps its sockets but answers nothing. */
  pause(): Promise<PausedService>;
  /** Stop (or kill) and start again on the same ports, optionally on another release. */
  restart(options?: RestartOptions): Promise<RunningService>;
  usage(): Promise<ResourceUsage | undefined>;
  /** Runs an argv list for the service: in its folder with its env (processes), inside it (containers). */
  exec?(argv: string[], timeoutMs: number): Promise<ExecResult>;
}

export interface PausedService extends AsyncDisposable {
  readonly plan: ServicePlan;
  readonly state: 'paused';
  resume(): Promise<RunningService>;
  kill(): Promise<StoppedService>;
}

export interface StoppedService {
  readonly plan: ServicePlan;
  readonly state: 'stopped';
  readonly exit: ExitInfo;
  /** Start again on the same ports, optionally on another release. */
  start(options?: { release?: string }): Promise<RunningService>;
  /** Runs an argv list in the service's folder with its env while it is down (processes only: a stopped container has nothing to run in). */
  exec?(argv: string[], timeoutMs: number): Promise<ExecResult>;
}

export interface StartOptions {
  /** Aborts a start in progress (Ctrl-C during readiness). */
  signal?: AbortSignal;
}

export interface Runtime {
  readonly name: RuntimeName;
  /** Start one service and wait for its readiness probe. On failure nothing is left running. */
  start(plan: ServicePlan, options?: StartOptions): Promise<RunningService>;
}
