/**
 * One container of a service and its exit, shared by the service states that wrap it (running, paused,
 * stopped). It is recorded in the run registry the moment it exists and leaves the registry when it is
 * removed; its output is appended to the plan's log file; its exit removes it, so nothing a run started is
 * left in the engine once its `exited` resolves.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import os from 'node:os';
import type { Readable } from 'node:stream';
import { ServiceError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import type { RunRegistry } from '../run-registry.ts';
import type { ExitInfo, ResourceUsage, ServicePlan } from '../runtime.ts';
import { engineStatusOf, tolerating, type DockerContainer } from './docker-engine.ts';

/** How long an exit waits for the rest of the container's output to reach the log file, ms. */
const LOG_DRAIN_MS = 2_000;
/** How long a stop or kill may take beyond the plan's grace period before the engine is deemed stuck, ms. */
const ENGINE_SLACK_MS = 30_000;

export class ContainerHandle {
  readonly exited: Promise<ExitInfo>;
  hasExited = false;
  paused = false;
  private expected = false;
  private watching = false;
  private removal: Promise<void> | undefined;
  private logsEnded: Promise<unknown> = Promise.resolve();
  private readonly logFile: WriteStream;
  private resolveExit: (exit: ExitInfo) => void = () => {};

  constructor(
    readonly container: DockerContainer,
    readonly plan: ServicePlan,
    readonly image: string,
    private readonly registry: RunRegistry,
    private readonly log: Logger,
  ) {
    registry.addContainer(plan.name, container.id);
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    this.logFile = createWriteStream(plan.logFile, { flags: 'a' });
    this.logFile.write(
      `--- ${new Date().toISOString()} starting ${plan.name} release ${plan.release}: image ${image}, container ${this.shortId}\n`,
    );
  }

  get id(): string {
    return this.container.id;
  }

  get shortId(): string {
    return this.container.id.slice(0, 12);
  }

  /** Appends the container's demultiplexed stdout and stderr to the log file until the container stops. */
  followLogs(stream: Readable): void {
    this.logsEnded = new Promise((resolve) => {
      stream.once('end', resolve);
      stream.once('close', resolve);
      stream.once('error', resolve);
    });
    stream.pipe(this.logFile, { end: false });
  }

  /** Starts watching for the exit; called once the container runs (a wait on a created container returns at once). */
  watchExit(): void {
    if (this.watching) return;
    this.watching = true;
    this.container.wait({ condition: 'not-running' }).then(
      (result: { StatusCode?: number }) => void this.finish(exitStatus(result.StatusCode)),
      (error: unknown) => {
        this.log.warn(`Lost the exit watch of ${this.plan.name} (container ${this.shortId}): ${(error as Error).message}`);
        void this.finish({ code: null, signal: null });
      },
    );
  }

  /** Graceful stop (the engine sends SIGTERM, then SIGKILL after the grace period) or SIGKILL; waits for removal. */
  async terminate(mode: 'stop' | 'kill', graceMs: number): Promise<ExitInfo> {
    this.expected = true;
    if (!this.watching) {
      await this.discard();
      return this.exited;
    }
    if (!this.hasExited) {
      // A frozen container cannot act on SIGTERM, and the engine refuses to kill a paused one.
      if (this.paused) await this.unpause();
      if (mode === 'kill') await tolerating([404, 409], () => this.container.kill({ signal: 'SIGKILL' }));
      else await tolerating([304, 404], () => this.container.stop({ t: Math.ceil(graceMs / 1000) }));
    }
    return this.boundedExit(graceMs + ENGINE_SLACK_MS);
  }

  /** Removes the container whatever its state: the path of a start that failed. */
  async discard(): Promise<void> {
    this.expected = true;
    await this.remove();
    if (!this.watching) await this.finish({ code: null, signal: null });
    else await this.boundedExit(ENGINE_SLACK_MS);
  }

  async pause(): Promise<void> {
    await this.container.pause();
    this.paused = true;
  }

  async unpause(): Promise<void> {
    await tolerating([409], () => this.container.unpause()); // 409: not paused any more
    this.paused = false;
  }

  /** CPU time and memory from the engine's stats, or undefined once the container is gone. */
  async usage(): Promise<ResourceUsage | undefined> {
    if (this.hasExited) return undefined;
    try {
      const stats = await this.container.stats({ stream: false, 'one-shot': true });
      const memory = stats.memory_stats.stats as Partial<Record<string, number>> | undefined;
      // cgroup v1 reports `rss`, cgroup v2 `anon`; `usage` (which counts page cache) is the last resort.
      const rssBytes = memory?.rss ?? memory?.anon ?? stats.memory_stats.usage ?? 0;
      return { cpuSeconds: (stats.cpu_stats.cpu_usage.total_usage ?? 0) / 1e9, rssBytes };
    } catch (error) {
      if (engineStatusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** Force-removes the container once; the registry record goes only when the engine confirms it is gone. */
  private remove(): Promise<void> {
    this.removal ??= tolerating([404, 409], () => this.container.remove({ force: true, v: true })).then(
      () => this.registry.removeContainer(this.id),
      (error: unknown) => {
        this.removal = undefined; // a later attempt (or the reaper) may still succeed
        this.log.warn(
          `Could not remove container ${this.shortId} of ${this.plan.name}: ${(error as Error).message}; \`drill reap\` removes it later`,
        );
      },
    );
    return this.removal;
  }

  private async finish(status: Omit<ExitInfo, 'expected'>): Promise<void> {
    if (this.hasExited) return;
    this.hasExited = true;
    await within(this.logsEnded, LOG_DRAIN_MS);
    await this.remove();
    this.logFile.end(`--- ${new Date().toISOString()} ${this.plan.name} exited: ${status.signal ?? `code ${status.code}`}\n`);
    this.resolveExit({ ...status, expected: this.expected });
  }

  private async boundedExit(timeoutMs: number): Promise<ExitInfo> {
    const result = await within(this.exited, timeoutMs);
    if (result === undefined)
      throw new ServiceError(
        `${this.plan.name}: container ${this.shortId} did not go away within ${timeoutMs} ms; check \`docker ps\` and run \`drill reap\``,
      );
    return result;
  }
}

/** The promise's value, or undefined after `timeoutMs`; the timer never outlives the race. */
async function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Docker reports a death by signal N as status 128+N, as a shell does. */
function exitStatus(status: number | undefined): Omit<ExitInfo, 'expected'> {
  if (status === undefined) return { code: null, signal: null };
  if (status > 128) {
    const name = Object.entries(os.constants.signals).find(([, number]) => number === status - 128)?.[0];
    if (name) return { code: null, signal: name };
  }
  return { code: status, signal: null };
}
