/** Waits until a service answers its HTTP readiness probe, or fails early when the service exits. */
import { ServiceError } from '../common/errors.ts';
import type { PortBinding, ReadinessProbe } from './runtime.ts';

export async function waitForReadiness(
  service: string,
  probe: ReadinessProbe,
  binding: PortBinding,
  options: { exited: Promise<unknown>; signal?: AbortSignal; describeFailure: () => string },
): Promise<void> {
  const url = `http://${binding.host.includes(':') ? `[${binding.host}]` : binding.host}:${binding.port}${probe.path}`;
  const deadline = performance.now() + probe.timeoutMs;
  let exited = false;
  void options.exited.then(() => (exited = true));
  let lastProblem = 'no answer yet';
  while (performance.now() < deadline) {
    if (options.signal?.aborted) throw new ServiceError(`Start of ${service} was interrupted`, { cause: options.signal.reason });
    if (exited) throw new ServiceError(`${service} exited before it was ready (${url}).\n${options.describeFailure()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(2_000, probe.timeoutMs)) });
      await response.body?.cancel();
      if (response.ok) return;
      lastProblem = `HTTP ${response.status}`;
    } catch (error) {
      lastProblem = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, probe.intervalMs));
  }
  throw new ServiceError(
    `${service} was not ready within ${probe.timeoutMs} ms: GET ${url} → ${lastProblem}. Raise services.${service}.readiness.timeout or check its log.\n${options.describeFailure()}`,
  );
}
