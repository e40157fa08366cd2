/**
 * A testcontainers `GenericContainer` that reports its lifecycle to drill: `created` runs the moment the engine
 * has created the container (before it starts, so the run registry knows its id even if the start then fails or
 * the harness is killed), `starting` once it runs and before the wait strategy probes it.
 */
import { GenericContainer, type InspectResult } from 'testcontainers';

export interface ContainerHooks {
  created(containerId: string): void | Promise<void>;
  starting(inspect: InspectResult): void | Promise<void>;
}

export class DrillContainer extends GenericContainer {
  constructor(
    image: string,
    private readonly hooks: ContainerHooks,
  ) {
    super(image);
    // drill removes its own containers: no reaper container (Ryuk), which would need an image registry.
    this.withAutoCleanup(false);
  }

  /** Runs the container's main process under the engine's init (`--init`), which reaps zombies and forwards signals. */
  withInit(): this {
    this.hostConfig.Init = true;
    return this;
  }

  protected override async containerCreated(containerId: string): Promise<void> {
    await this.hooks.created(containerId);
  }

  protected override async containerStarting(inspect: InspectResult): Promise<void> {
    await this.hooks.starting(inspect);
  }
}
