/**
 * Names drill gives things in the Docker engine: the labels on every container it starts, and the image tags
 * of the fixtures (`drill/<fixture>:<release>`) and of the base image made offline from this machine's node.
 */
import type { ServicePlan } from '../runtime.ts';

/** Labels on every container drill starts; `drill.run` is what the reaper's safety net removes by. */
export const containerLabels = {
  run: 'drill.run',
  service: 'drill.service',
  release: 'drill.release',
} as const;

/** Labels on every image `drill images build` makes. */
export const imageLabels = {
  fixture: 'drill.fixture',
  release: 'drill.release',
  base: 'drill.base',
} as const;

/** Tag of a fixture's image for one release: rollback restarts on the previous release's tag. */
export function fixtureImage(fixture: string, release: string): string {
  return `drill/${fixture}:${release}`;
}

/** Tag of the base image made with `docker import` from the host's node binary and its libraries. */
export function offlineBaseImage(nodeVersion = process.versions.node): string {
  return `drill/node-base:${nodeVersion}`;
}

/** The image a plan runs on, or undefined when the plan is not something a container runtime can start. */
export function imageOfPlan(plan: Pick<ServicePlan, 'source' | 'release'>): string | undefined {
  switch (plan.source.type) {
    case 'fixture':
      return fixtureImage(plan.source.fixture, plan.release);
    case 'image':
      return plan.source.image;
    default:
      return undefined;
  }
}

export function labelsOfPlan(runId: string, plan: Pick<ServicePlan, 'name' | 'release'>): Record<string, string> {
  return { [containerLabels.run]: runId, [containerLabels.service]: plan.name, [containerLabels.release]: plan.release };
}
