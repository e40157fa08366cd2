/**
 * Removes the containers of a run whose harness is gone: the ids its registry record lists and, as a safety
 * net, every container labelled `drill.run=<runId>` (one created just before the harness died, before its id
 * reached the record). The callback `reapDeadRuns({ removeContainers })` takes.
 */
import { spawnSync } from 'node:child_process';
import { InfrastructureError } from '../../common/errors.ts';
import { silentLogger, type Logger } from '../../common/logger.ts';
import { defaultStateDir, ownRunRecords } from '../run-registry.ts';
import { dockerClient, tolerating, type DockerApi } from './docker-engine.ts';
import { containerLabels } from './docker-names.ts';

/** Removes `ids` and every container labelled with `runId`; returns the ids removed. Throws when the engine cannot be reached, so the record is kept for a later attempt. */
export async function removeRunContainers(ids: string[], runId: string, logger: Logger = silentLogger): Promise<string[]> {
  const api = (await dockerClient()).container.dockerode;
  const labelled = await containersOfRun(api, runId);
  const removed: string[] = [];
  for (const id of new Set([...ids, ...labelled])) {
    try {
      await tolerating([404, 409], () => api.getContainer(id).remove({ force: true, v: true }));
      removed.push(id);
    } catch (error) {
      throw new InfrastructureError(`could not remove container ${id.slice(0, 12)} of dead run ${runId}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (removed.length > 0) logger.info(`Removed ${removed.length} container(s) of dead run ${runId}`);
  return removed;
}

/** Ids of every container, running or not, labelled `drill.run=<runId>`. */
export async function containersOfRun(api: DockerApi, runId: string): Promise<string[]> {
  const found = await api.listContainers({ all: true, filters: { label: [`${containerLabels.run}=${runId}`] } });
  return found.map((c) => c.Id);
}

/** The `removeContainers` callback of `reapDeadRuns`, backed by the Docker engine. */
export function dockerContainerRemover(logger: Logger = silentLogger): (ids: string[], runId: string) => Promise<void> {
  return async (ids, runId) => {
    await removeRunContainers(ids, runId, logger);
  };
}

/**
 * Last resort on a second Ctrl-C, synchronous like `killOwnChildren`: force-removes the containers recorded by
 * runs of this very process with the `docker` command line. Returns how many it asked to remove; without a
 * `docker` command it removes nothing and the next `drill` start reaps them.
 */
export function removeOwnContainersSync(stateDir = defaultStateDir()): number {
  const ids = ownRunRecords(stateDir).flatMap((record) => record.containers.map((c) => c.id));
  if (ids.length === 0) return 0;
  const result = spawnSync('docker', ['rm', '--force', ...ids], { stdio: 'ignore', timeout: 15_000 });
  return result.status === 0 ? ids.length : 0;
}
