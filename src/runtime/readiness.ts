/** Waits until a service answers its readiness probe (HTTP, or a Redis PING), or fails early when the service exits. */
import { ServiceError } from '../common/errors.ts';
import { pingRedis } from './redis-server.ts';
import type { PortBinding, ReadinessProbe } from './runtime.ts';

export async function waitForReadiness(
  service: string,
  probe: ReadinessProbe,
  binding: PortBinding,
  options: { exited: Promise<unknown>; signal?: AbortSignal; describeFailure: () => string },
): Promise<void> {
  const host = binding.host.includes(':') ? `[${binding.host}]` : binding.host;
  const url = probe.protocol === 'redis' ? `redis://${host}:${binding.port}` : `http://${host}:${binding.port}${probe.path}`;
  const what = probe.protocol === 'redis' ? `PING ${url}` : `GET ${url}`;
  const deadline = performance.now() + probe.timeoutMs;
  let exited = false;
  void options.exited.then(() => (exited = true));
  let lastProblem = 'no answer yet';
  while (performance.now() < deadline) {
    if (options.signal?.aborted) throw new ServiceError(`Start of ${service} was interrupted`, { cause: options.signal.reason });
    if (exited) throw new ServiceError(`${service} exited before it was ready (${url}).\n${options.describeFailure()}`);
    try {
      const problem = await (probe.protocol === 'redis' ? pingOnce(binding, probe) : getOnce(url, probe));
      if (problem === undefined) return;
      lastProblem = problem;
    } catch (error) {
      lastProblem = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, probe.intervalMs));
  }
  throw new ServiceError(
    `${service} was not ready within ${probe.timeoutMs} ms: ${what} → ${lastProblem}. Raise services.${service}.readiness.timeout or check its log.\n${options.describeFailure()}`,
  );
}

/** undefined when ready, else what was wrong. */
async function getOnce(url: string, probe: ReadinessProbe): Promise<string | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(2_000, probe.timeoutMs)) });
  await response.body?.cancel();
  return response.ok ? undefined : `HTTP ${response.status}`;
}

async function pingOnce(binding: PortBinding, probe: ReadinessProbe): Promise<string | undefined> {
  await pingRedis(binding, Math.min(2_000, probe.timeoutMs));
  return undefined;
}
