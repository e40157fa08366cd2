/**
 * Checks the schema cannot express: names that must refer to other entries, start-order cycles,
 * threshold names and grammar, the loopback rule, fixture releases.
 */
import { hostOf, isLoopbackHost } from '../common/loopback.ts';
import { aggregationsByKind, sliDefinition } from '../sli/catalog.ts';
import type { Scenario } from './scenario-schema.ts';
import type { ServiceKind } from './service-schema.ts';
import { parseThresholdExpression } from './threshold-expression.ts';

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

export interface RuleContext {
  /** Releases a fixture ships profiles for, or undefined when the fixture does not exist. */
  fixtureReleases(fixture: string): string[] | undefined;
}

export function checkScenarioRules(scenario: Scenario, context: RuleContext): RuleIssue[] {
  return [
    ...checkReferences(scenario),
    ...checkStartOrder(scenario),
    ...checkWorkload(scenario),
    ...checkFaultLinks(scenario),
    ...checkThresholds(scenario),
    ...checkAddresses(scenario),
    ...checkFixtures(scenario, context),
  ];
}

function checkReferences(scenario: Scenario): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const names = Object.keys(scenario.services);
  const known = (name: string) => names.includes(name);
  const list = names.join(', ');
  for (const [name, service] of Object.entries(scenario.services)) {
    service.dependsOn.forEach((dep, i) => {
      if (!known(dep)) issues.push({ path: ['services', name, 'dependsOn', i], message: `depends on unknown service "${dep}"; services are ${list}` });
      if (dep === name) issues.push({ path: ['services', name, 'dependsOn', i], message: 'a service cannot depend on itself' });
    });
  }
  const seen = new Set<string>();
  scenario.links.forEach((link, i) => {
    for (const end of ['from', 'to'] as const) {
      if (!known(link[end])) issues.push({ path: ['links', i, end], message: `link ${end} unknown service "${link[end]}"; services are ${list}` });
    }
    if (link.from === link.to) issues.push({ path: ['links', i], message: 'a link joins two different services' });
    const key = `${link.from}->${link.to}:${link.port ?? ''}`;
    if (seen.has(key)) issues.push({ path: ['links', i], message: `duplicate link ${link.from} -> ${link.to}` });
    seen.add(key);
  });
  return issues;
}

/** Start order: dependsOn plus links (a link's `from` starts after its `to`). Reports each cycle once. */
export function startDependencies(scenario: Scenario): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  for (const [name, service] of Object.entries(scenario.services)) deps.set(name, new Set(service.dependsOn));
  for (const link of scenario.links) deps.get(link.from)?.add(link.to);
  return deps;
}

function checkStartOrder(scenario: Scenario): RuleIssue[] {
  const deps = startDependencies(scenario);
  const state = new Map<string, 'visiting' | 'done'>();
  const issues: RuleIssue[] = [];
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      issues.push({ path: ['services', name, 'dependsOn'], message: `start order has a cycle: ${cycle.join(' -> ')}` });
      return;
    }
    state.set(name, 'visiting');
    for (const dep of deps.get(name) ?? []) if (deps.has(dep)) visit(dep, [...trail, name]);
    state.set(name, 'done');
  };
  for (const name of deps.keys()) visit(name, []);
  return issues;
}

function expectKind(scenario: Scenario, path: (string | number)[], name: string, kind: ServiceKind): RuleIssue[] {
  const service = scenario.services[name];
  if (!service) return [{ path, message: `unknown service "${name}"; services are ${Object.keys(scenario.services).join(', ')}` }];
  if (service.kind !== kind) return [{ path, message: `service "${name}" is of kind ${service.kind}, expected a ${kind}` }];
  return [];
}

function checkWorkload(scenario: Scenario): RuleIssue[] {
  const workload = scenario.workload;
  if (workload.type === 'signal') {
    return [
      ...expectKind(scenario, ['workload', 'bridge'], workload.bridge, 'bridge'),
      ...workload.bots.flatMap((bot, i) => expectKind(scenario, ['workload', 'bots', i], bot, 'bot')),
    ];
  }
  if (workload.type === 'wavry') {
    return [
      ...expectKind(scenario, ['workload', 'gateway'], workload.gateway, 'gateway'),
      ...expectKind(scenario, ['workload', 'master'], workload.master, 'master'),
      ...workload.hosts.flatMap((host, i) => expectKind(scenario, ['workload', 'hosts', i], host, 'host')),
      ...workload.relays.flatMap((relay, i) => expectKind(scenario, ['workload', 'relays', i], relay, 'relay')),
    ];
  }
  if (workload.type === 'http' && !workload.target.includes('://')) {
    const [service] = workload.target.split('.');
    if (!scenario.services[service!]) return [{ path: ['workload', 'target'], message: `expected a URL or SERVICE.PORT, and "${service}" is not a service` }];
  }
  return [];
}

/** Accepts `a->b`, `a<->b` and `a_to_b`. Returns the directed link names it covers. */
export function resolveLinkReference(reference: string): { from: string; to: string }[] | undefined {
  const both = /^([a-z][a-z0-9-]*)\s*<->\s*([a-z][a-z0-9-]*)$/.exec(reference);
  if (both) return [{ from: both[1]!, to: both[2]! }, { from: both[2]!, to: both[1]! }];
  const one = /^([a-z][a-z0-9-]*)\s*->\s*([a-z][a-z0-9-]*)$/.exec(reference) ?? /^([a-z][a-z0-9-]*)_to_([a-z][a-z0-9-]*)$/.exec(reference);
  return one ? [{ from: one[1]!, to: one[2]! }] : undefined;
}

function checkFaultLinks(scenario: Scenario): RuleIssue[] {
  const issues: RuleIssue[] = [];
  scenario.faults.timeline.forEach((fault, i) => {
    const path = ['faults', 'timeline', i, 'link'];
    const ends = resolveLinkReference(fault.link);
    if (!ends) return issues.push({ path, message: `expected "from->to", "from<->to" or "from_to_to", got "${fault.link}"` });
    const bothWays = fault.link.includes('<->');
    for (const { from, to } of bothWays ? ends.slice(0, 1) : ends) {
      if (!scenario.links.some((l) => l.from === from && l.to === to)) {
        issues.push({ path, message: `no link ${from} -> ${to} in \`links\`; faults act on declared links only` });
      }
    }
    return undefined;
  });
  return issues;
}

function checkThresholds(scenario: Scenario): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const [sli, entries] of Object.entries(scenario.thresholds)) {
    const definition = sliDefinition(scenario.workload.type, sli);
    if (!definition) {
      issues.push({ path: ['thresholds', sli], message: `unknown SLI "${sli}" for a ${scenario.workload.type} workload` });
      continue;
    }
    entries.forEach((entry, i) => {
      const source = typeof entry === 'string' ? entry : entry.threshold;
      const path = typeof entry === 'string' ? ['thresholds', sli, i] : ['thresholds', sli, i, 'threshold'];
      const parsed = parseThresholdExpression(source);
      if (typeof parsed === 'string') return issues.push({ path, message: parsed });
      const allowed = aggregationsByKind[definition.kind];
      if (!allowed.includes(parsed.aggregation.kind)) {
        const names = allowed.map((a) => (a === 'percentile' ? 'p(N)' : a)).join(', ');
        issues.push({ path, message: `${sli} is a ${definition.kind} (${definition.unit}); use ${names}` });
      }
      return undefined;
    });
  }
  return issues;
}

function checkAddresses(scenario: Scenario): RuleIssue[] {
  if (scenario.allowNonLoopback) return [];
  const refuse = (path: (string | number)[], address: string): RuleIssue[] =>
    isLoopbackHost(hostOf(address))
      ? []
      : [{ path, message: `"${address}" is outside loopback (127.0.0.0/8, ::1); drill refuses it unless the scenario sets \`allowNonLoopback: true\`` }];
  const issues: RuleIssue[] = [];
  for (const [name, service] of Object.entries(scenario.services)) {
    if (service.url) issues.push(...refuse(['services', name, 'url'], service.url));
  }
  if (scenario.workload.type === 'http' && scenario.workload.target.includes('://')) issues.push(...refuse(['workload', 'target'], scenario.workload.target));
  if (scenario.faults.url) issues.push(...refuse(['faults', 'url'], scenario.faults.url));
  return issues;
}

function checkFixtures(scenario: Scenario, context: RuleContext): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const [name, service] of Object.entries(scenario.services)) {
    if (service.command || service.image || service.url) continue;
    const fixture = service.fixture ?? service.kind;
    const releases = context.fixtureReleases(fixture);
    const release = service.release ?? scenario.release;
    const path = ['services', name, service.release ? 'release' : service.fixture ? 'fixture' : 'kind'];
    if (!releases) issues.push({ path, message: `no fixture "${fixture}" in fixtures/` });
    else if (!releases.includes(release)) {
      issues.push({ path: service.release ? path : ['release'], message: `fixture "${fixture}" has no release "${release}"; it has ${releases.join(', ')}` });
    }
  }
  return issues;
}
