/**
 * The connection to the Docker engine, found the way testcontainers finds it (DOCKER_HOST, ~/.testcontainers
 * properties, the default socket, rootless sockets). Drill removes its own containers, so testcontainers'
 * reaper container (Ryuk) is never used: containers are started with auto-cleanup off.
 */
import { getContainerRuntimeClient, type ContainerRuntimeClient } from 'testcontainers';
import { InfrastructureError } from '../../common/errors.ts';

/** The engine API client testcontainers itself uses (dockerode). */
export type DockerApi = ContainerRuntimeClient['container']['dockerode'];
export type DockerContainer = ReturnType<DockerApi['getContainer']>;

export const SETUP_HINT = 'Start one with `sudo scripts/setup-docker.sh` (installs docker.io when missing and starts dockerd).';

/** What `probeDockerEngine` found: a reachable engine and its versions, or why none answers. */
export type DockerEngineStatus =
  | { reachable: true; client: ContainerRuntimeClient; endpoint: string; serverVersion: string; apiVersion: string }
  | { reachable: false; reason: string };

/** Looks for an engine without throwing; bounded by `timeoutMs` (discovery tries several sockets). */
export async function probeDockerEngine(timeoutMs = 10_000): Promise<DockerEngineStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const client = await Promise.race([getContainerRuntimeClient(), timeout]);
    const version = await Promise.race([client.container.dockerode.version(), timeout]);
    return {
      reachable: true,
      client,
      endpoint: endpointOf(client.container.dockerode),
      serverVersion: version.Version,
      apiVersion: version.ApiVersion,
    };
  } catch (error) {
    return { reachable: false, reason: `no Docker engine answers (${(error as Error).message}). ${SETUP_HINT}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The engine client, or an InfrastructureError that says how to get an engine. */
export async function dockerClient(): Promise<ContainerRuntimeClient> {
  try {
    return await getContainerRuntimeClient();
  } catch (error) {
    throw new InfrastructureError(`the docker runtime needs a Docker engine, and none answers. ${SETUP_HINT}`, { cause: error });
  }
}

/** Where the API client talks to: a unix socket path or a host:port. */
function endpointOf(api: DockerApi): string {
  const modem: unknown = api.modem;
  if (typeof modem === 'object' && modem !== null) {
    const { socketPath, host, port } = modem as { socketPath?: unknown; host?: unknown; port?: unknown };
    if (typeof socketPath === 'string') return `unix://${socketPath}`;
    if (typeof host === 'string') return `tcp://${host}${port ? `:${String(port)}` : ''}`;
  }
  return 'unknown endpoint';
}

/** HTTP status of an engine API error (404 no such container, 304 already stopped, 409 conflict). */
export function engineStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Runs an engine call whose failure with one of `statuses` means "already done" (gone, stopped, not paused). */
export async function tolerating(statuses: number[], call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    const status = engineStatusOf(error);
    if (status === undefined || !statuses.includes(status)) throw error;
  }
}
