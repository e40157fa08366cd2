/**
 * Between steps: waits (bounded) until every bot's queue is empty and every relay holds no session, so a step that
 * overloaded the stack does not leave its backlog (or its sessions) to the next one.
 */
import type { RunningStack } from '../runtime/stack.ts';
import { scrape } from '../load/signal/stack-sampler.ts';
import { sumOf } from '../sli/prometheus-text.ts';

const SETTLE_TIMEOUT_MS = 15_000;
const POLL_MS = 250;

export async function settleStack(stack: RunningStack, signal: AbortSignal, timeoutMs = SETTLE_TIMEOUT_MS): Promise<boolean> {
  const running = (kind: string, port: string) =>
    stack.serviceNames.filter((name) => stack.plan(name).kind === kind && stack.state(name).state === 'running' && stack.plan(name).ports[port]);
  const bots = running('bot', 'metrics');
  const relays = running('relay', 'health');
  const deadline = Date.now() + timeoutMs;
  while (bots.length + relays.length > 0 && Date.now() < deadline && !signal.aborted) {
    const held = await Promise.all([
      ...bots.map(async (name) => {
        const { host, port } = stack.plan(name).ports.metrics!;
        const prom = await scrape(`http://${host}:${port}/metrics`);
        return prom ? (sumOf(prom, 'message_queue_depth') ?? 0) : 0;
      }),
      ...relays.map(async (name) => {
        const { host, port } = stack.plan(name).ports.health!;
        const health = await fetch(`http://${host}:${port}/health`, { signal: AbortSignal.timeout(1_000) })
          .then((r) => r.json() as Promise<{ total_sessions?: number }>)
          .catch(() => undefined);
        return health?.total_sessions ?? 0;
      }),
    ]);
    if (held.every((d) => d === 0)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return bots.length + relays.length === 0;
}
