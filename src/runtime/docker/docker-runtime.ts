/**
 * The container runtime: every service runs in a Docker container on host networking, listening on the plan's
 * loopback ports itself, so links, fault proxies and probes address it exactly as a local process. Fixtures run
 * from `drill/<fixture>:<release>` (built by `drill images build`), a service with `image:` from that image, a
 * `redis` service from `drill/redis:<version>` (made on first use from this machine's redis-server).
 *
 * Containers are started through testcontainers with its reaper off: each container is recorded in the run
 * registry the moment it exists and removed (and unrecorded) when it exits, so every exit path, and the next
 * `drill` start after a harness killed with SIGKILL, leaves nothing behind.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ImageName } from 'testcontainers';
import { DrillError, ServiceError } from '../../common/errors.ts';
import { silentLogger, type Logger } from '../../common/logger.ts';
import type { RunRegistry } from '../run-registry.ts';
import type {
  ExecResult,
  ExitInfo,
  PausedService,
  PortBinding,
  ResourceUsage,
  RestartOptions,
  Runtime,
  RunningService,
  ServicePlan,
  StartOptions,
  StoppedService,
} from '../runtime.ts';
import { execInContainer, type ExecCapable } from '../command-exec.ts';
import { ContainerHandle } from './container-handle.ts';
import { dockerClient } from './docker-engine.ts';
import { imageOfPlan, labelsOfPlan } from './docker-names.ts';
import { DrillContainer } from './drill-container.ts';
import { ReadinessWaitStrategy } from './readiness-wait-strategy.ts';
import { redisServerArgv } from '../redis-server.ts';
import { ensureRedisImage, REDIS_IN_IMAGE } from './redis-image.ts';

export class DockerRuntime implements Runtime {
  readonly name = 'docker' as const;

  constructor(
    private readonly registry: RunRegistry,
    private readonly logger: Logger = silentLogger,
  ) {}

  async start(plan: ServicePlan, options: StartOptions = {}): Promise<RunningService> {
    const log = this.logger.child('runtime', { service: plan.name });
    const image = await this.imageFor(plan);
    log.info(`Starting ${plan.name} (${plan.kind}, release ${plan.release}, image ${image})…`);
    const started = performance.now();
    mkdirSync(plan.dataDir, { recursive: true });
    mkdirSync(path.dirname(plan.logFile), { recursive: true });
    const client = await dockerClient();
    let handle: ContainerHandle | undefined;
    const container = new DrillContainer(image, {
      created: (id) => void (handle = new ContainerHandle(client.container.getById(id), plan, image, this.registry, log)),
      starting: () => handle?.watchExit(),
    })
      .withNetworkMode('host')
      .withEnvironment(plan.env)
      .withLabels(labelsOfPlan(this.registry.runId, plan))
      .withLogConsumer((stream) => handle?.followLogs(stream))
      .withWaitStrategy(new ReadinessWaitStrategy(plan, () => handle?.exited ?? Promise.race([]), options.signal));
    if (plan.source.type === 'fixture' || plan.source.type === 'server') this.asFixture(container, plan);
    if (plan.source.type === 'server') container.withCommand(redisServerArgv(plan, REDIS_IN_IMAGE));
    try {
      await container.start();
    } catch (error) {
      log.error(`Failed to start ${plan.name}: ${(error as Error).message.split('\n')[0]}`);
      await handle?.discard();
      if (error instanceof DrillError) throw error;
      throw new ServiceError(`${plan.name}: the Docker engine could not start ${image}: ${(error as Error).message}`, { cause: error });
    }
    log.info(`Started ${plan.name} in ${Math.round(performance.now() - started)} ms (container ${handle!.shortId})`);
    // The id, not only the tag: a tag rebuilt with other contents is configuration drift the report must show.
    const imageId = (await handle!.container.inspect()).Image;
    return new RunningContainer(this, plan, handle!, Date.now(), log, { ref: image, id: imageId });
  }

  /** A fixture runs as the harness's user (files in its data folder stay the user's), in its data folder, under an init. */
  private asFixture(container: DrillContainer, plan: ServicePlan): void {
    const dataDir = path.resolve(plan.dataDir);
    container
      .withInit()
      .withBindMounts([{ source: dataDir, target: dataDir }])
      .withWorkingDir(dataDir);
    const uid = process.getuid?.();
    const gid = process.getgid?.();
    if (uid !== undefined && gid !== undefined && uid !== 0) container.withUser(`${uid}:${gid}`);
  }

  /** The image of a plan; a fixture image must have been built (there may be no registry to pull it from). */
  private async imageFor(plan: ServicePlan): Promise<string> {
    if (plan.source.type === 'server') return ensureRedisImage((await dockerClient()).container.dockerode, this.logger.child('images'));
    const image = imageOfPlan(plan);
    if (!image) {
      throw new ServiceError(
        `the docker runtime cannot start ${plan.name} from ${plan.source.type}; give it a fixture or an image, or use runtime: process`,
      );
    }
    if (plan.source.type === 'fixture') {
      const client = await dockerClient();
      if (!(await client.image.exists(ImageName.fromString(image)))) {
        throw new ServiceError(
          `${plan.name}: image ${image} is not built. Run \`drill images build\` (with --offline when no image registry is reachable), then check with \`drill doctor\`.`,
        );
      }
    }
    return image;
  }
}

class RunningContainer implements RunningService {
  readonly state = 'running' as const;
  /** Containers have no host pid drill manages; see `containerId`. */
  readonly pid = undefined;

  constructor(
    private readonly runtime: DockerRuntime,
    readonly plan: ServicePlan,
    private readonly handle: ContainerHandle,
    readonly readyAtMs: number,
    private readonly log: Logger,
    readonly image: { ref: string; id: string },
  ) {}

  /** The engine's id of the container. */
  get containerId(): string {
    return this.handle.id;
  }

  exec(argv: string[], timeoutMs: number): Promise<ExecResult> {
    return execInContainer(this.handle.container as unknown as ExecCapable, argv, timeoutMs);
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
    this.log.info(`Stopping ${this.plan.name} (container ${this.handle.shortId})…`);
    const exit = await this.handle.terminate('stop', this.plan.stopTimeoutMs);
    return new StoppedContainer(this.runtime, this.plan, exit);
  }

  async kill(): Promise<StoppedService> {
    this.log.info(`Killing ${this.plan.name} (SIGKILL, container ${this.handle.shortId})`);
    const exit = await this.handle.terminate('kill', 0);
    return new StoppedContainer(this.runtime, this.plan, exit);
  }

  async pause(): Promise<PausedService> {
    this.log.info(`Pausing ${this.plan.name} (docker pause)`);
    await this.handle.pause();
    return new PausedContainer(this, this.handle, this.log);
  }

  async restart(options: RestartOptions = {}): Promise<RunningService> {
    const stopped = options.kill ? await this.kill() : await this.stop();
    if (options.downMs) await new Promise((r) => setTimeout(r, options.downMs));
    return stopped.start(options.release ? { release: options.release } : {});
  }

  usage(): Promise<ResourceUsage | undefined> {
    return this.handle.usage();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

class PausedContainer implements PausedService {
  readonly state = 'paused' as const;

  constructor(
    private readonly running: RunningContainer,
    private readonly handle: ContainerHandle,
    private readonly log: Logger,
  ) {}

  get plan(): ServicePlan {
    return this.running.plan;
  }

  async resume(): Promise<RunningService> {
    this.log.info(`Resuming ${this.plan.name} (docker unpause)`);
    await this.handle.unpause();
    return this.running;
  }

  kill(): Promise<StoppedService> {
    return this.running.kill();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.kill();
  }
}

class StoppedContainer implements StoppedService {
  readonly state = 'stopped' as const;

  constructor(
    private readonly runtime: DockerRuntime,
    readonly plan: ServicePlan,
    readonly exit: ExitInfo,
  ) {}

  /** Starts a new container on the same ports; another release of a fixture means that release's image. */
  start(options: { release?: string } = {}): Promise<RunningService> {
    const release = options.release ?? this.plan.release;
    return this.runtime.start({ ...this.plan, release, env: { ...this.plan.env, DRILL_RELEASE: release } });
  }
}
