/** Builds the workload driver a scenario asks for, pointed at the running stack's addresses. Each driver is loaded only when a scenario uses it. */
import type { WorkloadDriver } from '../load/workload-driver.ts';
import type { RunningStack } from '../runtime/stack.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

const url = (b: { host: string; port: number }) => `http://${b.host}:${b.port}`;

export async function createDriver(scenario: Scenario, stack: RunningStack): Promise<WorkloadDriver> {
  const workload = scenario.workload;
  switch (workload.type) {
    case 'signal': {
      const { SignalDriver } = await import('../load/signal/signal-driver.ts');
      return new SignalDriver(
        workload,
        {
          bridgeControlUrl: url(stack.plan(workload.bridge).ports.control!),
          botMetricsUrls: workload.bots.map((bot) => `${url(stack.plan(bot).ports.metrics!)}/metrics`),
        },
        scenario.seed,
      );
    }
    case 'http': {
      const { HttpWorkloadDriver } = await import('../load/http-workload-driver.ts');
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
    case 'wavry': {
      const { WavryDriver } = await import('../load/wavry/wavry-driver.ts');
      return new WavryDriver(
        workload,
        {
          gatewayUrl: url(stack.plan(workload.gateway).ports.http!),
          masterUrl: url(stack.plan(workload.master).ports.http!),
          hosts: workload.hosts.map((name) => ({ name, username: stack.plan(name).env.WAVRY_HOST_USERNAME ?? name })),
          relays: workload.relays.map((name) => {
            const { ports, env } = stack.plan(name);
            // The relay advertises its bound address, or WAVRY_RELAY_ADVERTISE_ADDR (a UDP fault proxy in front of it).
            const udpAddr = env.WAVRY_RELAY_ADVERTISE_ADDR ?? (ports.udp ? `${ports.udp.host}:${ports.udp.port}` : undefined);
            return { name, healthUrl: url(ports.health!), ...(udpAddr ? { udpAddr } : {}) };
          }),
          adminToken: stack.plan(workload.master).env.ADMIN_PANEL_TOKEN,
        },
        scenario.seed,
      );
    }
  }
}
