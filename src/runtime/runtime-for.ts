/** The runtime a scenario names (`external` services need none of their own: processes). The container runtime, and testcontainers, loads only when a scenario asks for it. */
import type { Logger } from '../common/logger.ts';
import { ProcessRuntime } from './process-runtime.ts';
import type { RunRegistry } from './run-registry.ts';
import type { Runtime } from './runtime.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

export async function runtimeFor(kind: Scenario['runtime'], registry: RunRegistry, logger: Logger): Promise<Runtime> {
  if (kind === 'docker') return new (await import('./docker/docker-runtime.ts')).DockerRuntime(registry, logger);
  return new ProcessRuntime(registry, logger);
}
