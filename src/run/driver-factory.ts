/** Builds the workload driver a scenario asks for, pointed at the running stack's addresses. */
import { HttpWorkloadDriver } from '../load/http-workload-driver.ts';
import { SignalDriver } from '../load/signal/signal-driver.ts';
import { WavryDriver } from '../load/wavry/wavry-driver.ts';
import type { WorkloadDriver } from '../load/workload-driver.ts';
import type { RunningStack } from '../runtime/stack.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

const url = (b: { host: string; port: number }) => `http://${b.host}:${b.port}`;

export function createDriver(scenario: Scenario, stack: RunningStack): WorkloadDriver {
  const workload = scenario.workload;
  switch (workload.type) {
    case 'signal':
      return new SignalDriver(
        workload,
        {
          bridgeControlUrl: url(stack.plan(workload.bridge).ports.control!),
          botMetricsUrls: workload.bots.map((bot) => `${url(stack.plan(bot).ports.metrics!)}/metrics`),
        },
        scenario.seed,
      );
    case 'http': {
      const target = workload.target.includes('://')
        ? workload.target
        : (() => {
            const [service, port] = workload.target.split('.');
            const plan = stack.plan(service!);
            const binding = plan.ports[port ?? Object.keys(plan.ports)[0]!];
            if (!binding) throw new Error(`workload.target: ${service} has no port "${port}"`);
            return url(binding);
          })();
      return new HttpWorkloadDriver(workload, target);
    }
    case 'wavry':
      return new WavryDriver(
        workload,
        {
          gatewayUrl: url(stack.plan(workload.gateway).ports.http!),
          masterUrl: url(stack.plan(workload.master).ports.http!),
          hosts: workload.hosts.map((name) => ({ name, username: stack.plan(name).env.WAVRY_HOST_USERNAME ?? name })),
          relays: workload.relays.map((name) => ({ name, healthUrl: url(stack.plan(name).ports.health!) })),
          adminToken: stack.plan(workload.master).env.ADMIN_PANEL_TOKEN,
        },
        scenario.seed,
      );
  }
}
