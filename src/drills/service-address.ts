/** The port a drill reaches a service at: a named one, else (for metrics) its `metrics` port, its readiness port, its first. */
import type { RunningStack } from '../runtime/stack.ts';
import type { PortBinding } from '../runtime/runtime.ts';

export function serviceAddress(stack: RunningStack, service: string, port: string | undefined, forMetrics = false): PortBinding {
  const plan = stack.plan(service);
  const name = port ?? (forMetrics && plan.ports.metrics ? 'metrics' : (plan.readiness?.port ?? Object.keys(plan.ports)[0]));
  const binding = name === undefined ? undefined : plan.ports[name];
  if (!binding) throw new Error(`${service}: no port "${name}"; it has ${Object.keys(plan.ports).join(', ')}`);
  return binding;
}

export function urlOf(binding: PortBinding, path: string): string {
  const host = binding.host.includes(':') ? `[${binding.host}]` : binding.host;
  return `http://${host}:${binding.port}${path}`;
}
