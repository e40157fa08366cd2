/**
 * Turns a scenario into start-ordered service plans: allocates loopback ports, decides how each link is
 * reached (directly, or through the fault proxy), and expands env templates. Everything a runtime needs is
 * decided here, once, so runtimes stay simple.
 */
import path from 'node:path';
import { ScenarioError, type ScenarioIssue } from '../common/errors.ts';
import { addressProblems } from '../scenario/loopback-rule.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { startDependencies } from '../scenario/scenario-rules.ts';
import type { LinkSpec, ServiceSpec } from '../scenario/service-schema.ts';
import { expandTemplate, type TemplateValues } from './env-template.ts';
import { freePort } from './free-port.ts';
import type { PortBinding, ServicePlan, ServiceSource } from './runtime.ts';
import { serviceKindCatalog } from './service-kinds.ts';

const LOOPBACK = '127.0.0.1';

/** How the `from` end of a link reaches its target: directly, or through a proxy the fault layer creates. */
export interface LinkRouter {
  route(link: LinkSpec & { port: string }, target: PortBinding): Promise<PortBinding>;
}

export const directLinks: LinkRouter = { route: async (_link, target) => target };

export function linkName(link: { from: string; to: string }): string {
  return `${link.from}_to_${link.to}`;
}

/** Names in dependency order: every service after the services it depends on or links to. */
export function startOrder(scenario: Scenario): string[] {
  const deps = startDependencies(scenario);
  const order: string[] = [];
  const visit = (name: string) => {
    if (order.includes(name)) return;
    for (const dep of deps.get(name) ?? []) visit(dep);
    order.push(name);
  };
  for (const name of Object.keys(scenario.services)) visit(name);
  return order;
}

async function allocatePorts(service: ServiceSpec): Promise<Record<string, PortBinding>> {
  const kindPorts = serviceKindCatalog[service.kind].ports;
  const names = new Set([...Object.keys(kindPorts), ...Object.keys(service.ports)]);
  const bindings: Record<string, PortBinding> = {};
  for (const portName of names) {
    const protocol = kindPorts[portName]?.protocol ?? 'tcp';
    const requested = service.ports[portName] ?? 0;
    bindings[portName] = { name: portName, protocol, host: LOOPBACK, port: requested || (await freePort(protocol)) };
  }
  return bindings;
}

function sourceOf(service: ServiceSpec): ServiceSource {
  if (service.command) return { type: 'command', argv: service.command, ...(service.cwd ? { cwd: service.cwd } : {}) };
  if (service.image) return { type: 'image', image: service.image };
  if (service.url) return { type: 'external', url: service.url };
  if (service.kind === 'redis' && !service.fixture) return { type: 'server', server: 'redis' };
  return { type: 'fixture', fixture: service.fixture ?? service.kind };
}

const hostPort = (b: PortBinding) => `${b.host}:${b.port}`;

export async function planStack(scenario: Scenario, runDir: string, router: LinkRouter = directLinks): Promise<ServicePlan[]> {
  const ports: Record<string, Record<string, PortBinding>> = {};
  for (const [name, service] of Object.entries(scenario.services)) ports[name] = await allocatePorts(service);

  // What each service reaches its link targets at, per named port of the target.
  const reach: Record<string, Record<string, Record<string, string>>> = {};
  for (const link of scenario.links) {
    const target = scenario.services[link.to]!;
    const portName = link.port ?? serviceKindCatalog[target.kind].mainPort;
    const targetBinding = ports[link.to]![portName];
    if (!targetBinding) {
      throw new ScenarioError(scenario.name, [{ path: `links`, message: `link ${link.from} -> ${link.to}: ${link.to} has no port "${portName}"` }]);
    }
    const routed = await router.route({ ...link, port: portName }, targetBinding);
    const forTarget = ((reach[link.from] ??= {})[link.to] ??= {});
    for (const [otherPort, binding] of Object.entries(ports[link.to]!)) forTarget[otherPort] ??= hostPort(binding);
    forTarget[portName] = hostPort(routed);
  }

  const issues: ScenarioIssue[] = [];
  const plans = startOrder(scenario).map((name) => {
    const service = scenario.services[name]!;
    const release = service.release ?? scenario.release;
    const dataDir = path.join(runDir, 'services', name);
    const values: TemplateValues = {
      ports: Object.fromEntries(Object.entries(ports[name]!).map(([k, b]) => [k, b.port])),
      links: reach[name] ?? {},
      release,
      dataDir,
      service: name,
    };
    const expand = (text: string, where: string) => {
      const result = expandTemplate(text, values);
      if ('error' in result) {
        issues.push({ path: `services.${name}.${where}`, message: result.error });
        return text;
      }
      // The rule again, on the value as the service gets it: templates may expand to anything.
      if (!scenario.allowNonLoopback && result.value !== text) {
        for (const message of addressProblems(result.value, text)) issues.push({ path: `services.${name}.${where}`, message });
      }
      return result.value;
    };
    const env = { ...fixtureEnv(name, scenario, ports[name]!, values, expand), ...workloadEnv(scenario, name) };
    for (const [key, value] of Object.entries(service.env)) env[key] = expand(value, `env.${key}`);
    const source = sourceOf(service);
    if (source.type === 'command') source.argv = source.argv.map((arg, i) => expand(arg, `command.${i}`));
    return {
      name,
      kind: service.kind,
      release,
      source,
      env,
      ports: ports[name]!,
      readiness: readinessOf(service),
      stopTimeoutMs: service.stopTimeout,
      logFile: path.join(runDir, 'logs', `${name}.log`),
      dataDir,
    } satisfies ServicePlan;
  });
  if (issues.length > 0) throw new ScenarioError(scenario.name, issues);
  return plans;
}

/** Env a fixture of this kind needs: its ports, its release, and the addresses of what it links to. */
function fixtureEnv(
  name: string,
  scenario: Scenario,
  bindings: Record<string, PortBinding>,
  values: TemplateValues,
  expand: (text: string, where: string) => string,
): Record<string, string> {
  const service = scenario.services[name]!;
  const kind = serviceKindCatalog[service.kind];
  const env: Record<string, string> = { DRILL_RELEASE: values.release, DRILL_SERVICE: name };
  for (const [key, template] of Object.entries(kind.env ?? {})) env[key] = expand(template, `env.${key}`);
  for (const [portName, port] of Object.entries(kind.ports)) {
    const binding = bindings[portName];
    if (port.env && binding) env[port.env] = port.format === 'host:port' ? hostPort(binding) : String(binding.port);
  }
  for (const link of scenario.links.filter((l) => l.from === name)) {
    const targetKind = scenario.services[link.to]!.kind;
    for (const [key, template] of Object.entries(kind.linkEnv[targetKind] ?? {})) {
      env[key] = expand(template.replaceAll('${target.', `\${links.${link.to}.`), `links(${link.to})`);
    }
  }
  return env;
}

/** Env the workload implies: the Signal bots answer on the workload's account number. */
function workloadEnv(scenario: Scenario, name: string): Record<string, string> {
  const workload = scenario.workload;
  if (workload.type === 'signal' && workload.bots.includes(name)) return { SIGNAL_PHONE_NUMBER: workload.account };
  return {};
}

function readinessOf(service: ServiceSpec): ServicePlan['readiness'] {
  const defaults = serviceKindCatalog[service.kind].readiness;
  const port = service.readiness?.port ?? defaults?.port;
  const probePath = service.readiness?.path ?? defaults?.path;
  const protocol = service.readiness?.path ? 'http' : (defaults?.protocol ?? 'http');
  if (!port || (!probePath && protocol === 'http')) return undefined;
  if (service.command && !service.readiness) return undefined;
  const timing = { timeoutMs: service.readiness?.timeout ?? 20_000, intervalMs: service.readiness?.interval ?? 100 };
  return { port, path: probePath ?? '', ...(protocol === 'redis' ? { protocol } : {}), ...timing };
}
