/**
 * Between steps: waits (bounded) until every bot's queue is empty, so a step that overloaded the stack does not
 * leave its backlog to the next one.
 */
import type { RunningStack } from '../runtime/stack.ts';
import { scrape } from '../load/signal/stack-sampler.ts';
import { sumOf } from '../sli/prometheus-text.ts';

const SETTLE_TIMEOUT_MS = 15_000;
const POLL_MS = 250;

export async function settleStack(stack: RunningStack, signal: AbortSignal, timeoutMs = SETTLE_TIMEOUT_MS): Promise<boolean> {
  const bots = stack.serviceNames.filter((name) => stack.plan(name).kind === 'bot' && stack.state(name).state === 'running' && stack.plan(name).ports.metrics);
  const deadline = Date.now() + timeoutMs;
  while (bots.length > 0 && Date.now() < deadline && !signal.aborted) {
    const depths = await Promise.all(
      bots.map(async (name) => {
        const { host, port } = stack.plan(name).ports.metrics!;
        const prom = await scrape(`http://${host}:${port}/metrics`);
        return prom ? (sumOf(prom, 'message_queue_depth') ?? 0) : 0;
      }),
    );
    if (depths.every((d) => d === 0)) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return bots.length === 0;
}
