/**
 * The testcontainers wait strategy of a drill container: the plan's own readiness probe. With host networking
 * the service listens on the plan's loopback port itself, so the probe is the same HTTP GET the process runtime
 * makes; there is no mapped port to wait for. A container that exits first fails the wait at once.
 */
import { ServiceError } from '../../common/errors.ts';
import { tailOfLog } from '../log-tail.ts';
import { waitForReadiness } from '../readiness.ts';
import type { ServicePlan } from '../runtime.ts';
import { LoopbackWaitStrategy } from './loopback-wait-strategy.ts';

/** Grace period a service without a readiness probe must survive to count as started, ms (as the process runtime). */
const NO_PROBE_GRACE_MS = 300;

export class ReadinessWaitStrategy extends LoopbackWaitStrategy {
  /** `exited` is read when the wait begins: the container's exit watch starts only once it runs. */
  constructor(
    private readonly plan: ServicePlan,
    private readonly exited: () => Promise<unknown>,
    private readonly signal?: AbortSignal,
  ) {
    super(plan.readiness?.timeoutMs ?? NO_PROBE_GRACE_MS);
  }

  async waitUntilReady(): Promise<void> {
    const { plan } = this;
    const exited = this.exited();
    if (!plan.readiness) {
      let gone = false;
      await Promise.race([new Promise((r) => setTimeout(r, NO_PROBE_GRACE_MS)), exited.then(() => (gone = true))]);
      if (gone) throw new ServiceError(`${plan.name} exited at start.\n${tailOfLog(plan.logFile)}`);
      return;
    }
    const binding = plan.ports[plan.readiness.port];
    if (!binding) throw new ServiceError(`${plan.name}: readiness port "${plan.readiness.port}" is not one of its ports`);
    await waitForReadiness(plan.name, { ...plan.readiness, timeoutMs: this.startupTimeoutMs }, binding, {
      exited,
      ...(this.signal ? { signal: this.signal } : {}),
      describeFailure: () => tailOfLog(plan.logFile),
    });
  }
}
