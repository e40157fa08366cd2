/**
 * The real Toxiproxy as a run's fault server (`faults.server: toxiproxy-container`): the image started through
 * testcontainers on host networking, its API on a free loopback port (`-host=127.0.0.1 -port=N`), labelled and
 * recorded with the run like the docker runtime's containers, so the reaper removes it after a harness killed
 * with SIGKILL. Nothing is pulled: `findToxiproxyImage` says why the container cannot be used (no engine, no
 * image, with the command that fixes it), and the caller falls back to the embedded server.
 *
 *   const found = await findToxiproxyImage(undefined);
 *   if (found.usable) await using server = await new ToxiproxyContainer(found.image, { runId }).start();
 */
import { ImageName, type StartedTestContainer } from 'testcontainers';
import { InfrastructureError } from '../common/errors.ts';
import { silentLogger, type Logger } from '../common/logger.ts';
import { dockerClient, probeDockerEngine, tolerating, type DockerContainer } from '../runtime/docker/docker-engine.ts';
import { containerLabels } from '../runtime/docker/docker-names.ts';
import { LoopbackWaitStrategy } from '../runtime/docker/loopback-wait-strategy.ts';
import { DrillContainer } from '../runtime/docker/drill-container.ts';
import { freePort } from '../runtime/free-port.ts';
import type { RunRegistry } from '../runtime/run-registry.ts';

export const TOXIPROXY_REPOSITORY = 'ghcr.io/shopify/toxiproxy';
export const DEFAULT_TOXIPROXY_IMAGE = `${TOXIPROXY_REPOSITORY}:2.12.0`;
/** The `drill.service` label and run-registry name of the container. */
const SERVICE = 'toxiproxy';
const STARTUP_TIMEOUT_MS = 30_000;
const ENGINE_PROBE_TIMEOUT_MS = 5_000;

export type ToxiproxyImageChoice = { usable: true; image: string } | { usable: false; reason: string };

/**
 * The image to start: `configured` when it is present locally; without one, the default tag or else any local
 * tag of ghcr.io/shopify/toxiproxy. Otherwise why none can be used.
 */
export async function findToxiproxyImage(configured: string | undefined): Promise<ToxiproxyImageChoice> {
  const engine = await probeDockerEngine(ENGINE_PROBE_TIMEOUT_MS);
  if (!engine.reachable) return { usable: false, reason: engine.reason };
  const wanted = configured ?? DEFAULT_TOXIPROXY_IMAGE;
  try {
    if (await engine.client.image.exists(ImageName.fromString(wanted))) return { usable: true, image: wanted };
    if (!configured) {
      const local = await engine.client.container.dockerode.listImages({ filters: { reference: [TOXIPROXY_REPOSITORY] } });
      const tag = local.flatMap((image) => image.RepoTags ?? []).find((t) => t.startsWith(`${TOXIPROXY_REPOSITORY}:`));
      if (tag) return { usable: true, image: tag };
    }
  } catch (error) {
    return { usable: false, reason: `the Docker engine at ${engine.endpoint} could not list images (${(error as Error).message})` };
  }
  return {
    usable: false,
    reason: `image ${wanted} is not present locally; run \`docker pull ${wanted}\` (or \`docker load\` it where no registry is reachable)`,
  };
}

export interface ToxiproxyContainerOptions {
  /** Labels the container `drill.run=<runId>`, what the reaper removes by. */
  runId: string;
  /** Records the container's id the moment it exists, so a dead run's reaping finds it. */
  registry?: RunRegistry;
  /** Namespaced under `faults`. Default: silent. */
  logger?: Logger;
}

export class ToxiproxyContainer {
  constructor(
    private readonly image: string,
    private readonly options: ToxiproxyContainerOptions,
  ) {}

  async start(): Promise<StartedToxiproxyContainer> {
    const log = (this.options.logger ?? silentLogger).child('faults');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    log.info(`Starting Toxiproxy ${this.image} on 127.0.0.1:${port}…`);
    const startedAt = performance.now();
    let id: string | undefined;
    const container = new DrillContainer(this.image, {
      created: (containerId) => {
        id = containerId;
        this.options.registry?.addContainer(SERVICE, containerId);
      },
      starting: () => undefined,
    })
      .withNetworkMode('host')
      // -proxy-metrics: per-proxy traffic on GET /metrics, as the embedded server always serves it.
      .withCommand(['-host=127.0.0.1', `-port=${port}`, '-proxy-metrics'])
      .withLabels({ [containerLabels.run]: this.options.runId, [containerLabels.service]: SERVICE })
      .withWaitStrategy(new ApiVersionWaitStrategy(url))
      .withStartupTimeout(STARTUP_TIMEOUT_MS);
    try {
      const started = await container.start();
      log.info(
        `Started Toxiproxy at ${url} in ${Math.round(performance.now() - startedAt)} ms (container ${started.getId().slice(0, 12)})`,
      );
      return new StartedToxiproxyContainer(started, url, this.image, this.options.registry, log);
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      log.error(`Failed to start Toxiproxy ${this.image}: ${message}`);
      if (id) await this.discard(id, log);
      throw new InfrastructureError(`Cannot start Toxiproxy from ${this.image} on 127.0.0.1:${port}: ${message}`, { cause: error });
    }
  }

  private async discard(id: string, log: Logger): Promise<void> {
    try {
      const api = (await dockerClient()).container.dockerode;
      await tolerating([404, 409], () => api.getContainer(id).remove({ force: true, v: true }));
      this.options.registry?.removeContainer(id);
    } catch (error) {
      log.warn(`Could not remove Toxiproxy container ${id.slice(0, 12)}: ${(error as Error).message}; \`drill reap\` removes it later`);
    }
  }
}

export class StartedToxiproxyContainer implements AsyncDisposable {
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly container: StartedTestContainer,
    /** Base URL of the API, e.g. http://127.0.0.1:41234. */
    readonly url: string,
    readonly image: string,
    private readonly registry: RunRegistry | undefined,
    private readonly log: Logger,
  ) {}

  /** Stops and removes the container (its proxies go with it). Safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  private async close(): Promise<void> {
    const id = this.container.getId();
    this.log.info(`Stopping Toxiproxy (container ${id.slice(0, 12)})…`);
    await this.container.stop({ timeout: 0, remove: true, removeVolumes: true });
    this.registry?.removeContainer(id);
    this.log.info('Stopped Toxiproxy');
  }
}

/** Ready once `GET /version` answers 200: with host networking there is no mapped port for testcontainers to wait on. */
class ApiVersionWaitStrategy extends LoopbackWaitStrategy {
  constructor(private readonly url: string) {
    super(STARTUP_TIMEOUT_MS);
  }

  async waitUntilReady(container: DockerContainer): Promise<void> {
    const deadline = performance.now() + this.startupTimeoutMs;
    let last = 'no answer yet';
    while (performance.now() < deadline) {
      const { State } = await container.inspect();
      if (!State.Running)
        throw new InfrastructureError(`Toxiproxy exited at start (status ${State.ExitCode}): ${await outputOf(container)}`);
      try {
        const response = await fetch(`${this.url}/version`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
        last = `status ${response.status}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new InfrastructureError(`Toxiproxy did not answer GET ${this.url}/version within ${this.startupTimeoutMs} ms (${last})`);
  }
}

/** The container's last output lines, its stdout and stderr frames (8-byte headers) joined. */
async function outputOf(container: DockerContainer): Promise<string> {
  const raw: Buffer = await container.logs({ stdout: true, stderr: true, tail: 10, follow: false });
  const lines: string[] = [];
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    lines.push(raw.subarray(at + 8, at + 8 + size).toString('utf8'));
    at += 8 + size;
  }
  return lines.join('').trim() || 'no output';
}
