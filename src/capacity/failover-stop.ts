/**
 * Takes part of the pool away before a failover sweep. A Wavry relay is first set Draining at the master (the
 * runbook's drain: the master keeps selecting a registered relay however long it has been silent, so a relay
 * only stopped would still be handed out), then stopped; any other service is stopped.
 */
import { InfrastructureError } from '../common/errors.ts';
import { systemClock } from '../common/clock.ts';
import { MasterApi } from '../load/wavry/master-api.ts';
import type { RunningStack } from '../runtime/stack.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { RelayStateUpdate } from '../wire/wavry.ts';

const url = (b: { host: string; port: number }) => `http://${b.host}:${b.port}`;

export async function stopForFailover(stack: RunningStack, scenario: Scenario, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const plan = stack.plan(name);
    if (plan.kind === 'relay' && scenario.workload.type === 'wavry' && plan.ports.health) await drainRelay(stack, scenario.workload.master, url(plan.ports.health), name);
    await stack.stop(name);
  }
}

async function drainRelay(stack: RunningStack, masterName: string, healthUrl: string, name: string): Promise<void> {
  const health = (await (await fetch(`${healthUrl}/health`, { signal: AbortSignal.timeout(5_000) })).json()) as { relay_id?: string };
  if (!health.relay_id) throw new InfrastructureError(`relay ${name} gave no relay_id on /health: cannot drain it at the master`);
  const masterPlan = stack.plan(masterName);
  await using master = new MasterApi(url(masterPlan.ports.http!), systemClock);
  const update: RelayStateUpdate = { relay_id: health.relay_id, new_state: 'Draining' };
  const reply = await master.post('/admin/api/relays/update_state', update, masterPlan.env.ADMIN_PANEL_TOKEN);
  if (reply.status !== 200) throw new InfrastructureError(`the master refused to set relay ${name} Draining (${reply.status}); check ADMIN_PANEL_TOKEN`);
}
