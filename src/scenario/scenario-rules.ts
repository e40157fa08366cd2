/**
 * Checks the schema cannot express: names that must refer to other entries, start-order cycles,
 * threshold names and grammar, the loopback rule, fixture releases. They run on a whole scenario, or on the
 * sections that passed the schema when another did not (each check skips what it would need from a failed one).
 */
import { aggregationsByKind, sliDefinition } from '../sli/catalog.ts';
import { LEASE_REJECT_REASON } from '../wire/wavry.ts';
import { checkCapacityRules } from './capacity-rules.ts';
import { checkCompareRules } from './compare-rules.ts';
import { checkLoopbackRule } from './loopback-rule.ts';
import { wholeSections, type ScenarioParts } from './scenario-parts.ts';
import type { FaultsSpec } from './faults-schema.ts';
import type { ServiceKind } from './service-schema.ts';
import { checkPlaybook } from './playbook-rules.ts';
import { checkSteps } from './step-rules.ts';
import { checkTemplates } from './template-rule.ts';
import { scenarioLimits } from './scenario-limits.ts';
import { parseThresholdExpression } from './threshold-expression.ts';
import { parseThresholdKey, phasesOf } from './threshold-key.ts';
import { checkToxiproxyUrl } from './toxiproxy-url-rule.ts';

export interface RuleIssue {
  path: (string | number)[];
  message: string;
}

export interface RuleContext {
  /** Releases a fixture ships profiles for, or undefined when the fixture does not exist. */
  fixtureReleases(fixture: string): string[] | undefined;
  /** The environment a run would read ($TOXIPROXY_URL). Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

export function checkScenarioRules(scenario: ScenarioParts, context: RuleContext): RuleIssue[] {
  const forSteps = wholeSections(scenario, ['services', 'load', 'steps']);
  // Each playbook section is checked when it parsed, even when another one did not.
  const forPlaybook = wholeSections(scenario, ['services', 'load', 'workload', 'links']);
  return [
    ...checkReferences(scenario),
    ...checkStartOrder(scenario),
    ...checkWorkload(scenario),
    ...checkFaultLinks(scenario),
    ...(scenario.faults ? checkFaultRamps(scenario.faults) : []),
    ...checkThresholds(scenario),
    ...checkCompareRules(scenario),
    ...checkCapacityRules(scenario),
    ...(forSteps ? checkSteps(forSteps, context) : []),
    ...checkSeriesLength(scenario),
    ...checkTemplates(scenario),
    ...(forPlaybook ? checkPlaybook({ ...forPlaybook, steps: scenario.steps, method: scenario.method, rollbacks: scenario.rollbacks, steadyState: scenario.steadyState, slos: scenario.slos }, context) : []),
    ...checkLoopbackRule(scenario),
    ...checkToxiproxyUrl(scenario, context.env ?? process.env),
    ...checkFixtures(scenario, context),
  ];
}

function checkReferences({ services, links }: ScenarioParts): RuleIssue[] {
  if (!services) return [];
  const issues: RuleIssue[] = [];
  const names = Object.keys(services);
  const known = (name: string) => names.includes(name);
  const list = names.join(', ');
  for (const [name, service] of Object.entries(services)) {
    service?.dependsOn.forEach((dep, i) => {
      if (!known(dep)) issues.push({ path: ['services', name, 'dependsOn', i], message: `depends on unknown service "${dep}"; services are ${list}` });
      if (dep === name) issues.push({ path: ['services', name, 'dependsOn', i], message: 'a service cannot depend on itself' });
    });
  }
  const seen = new Set<string>();
  links?.forEach((link, i) => {
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

/**
 * Start order: dependsOn plus links (a link's `from` starts after its `to`). Two links in opposite directions
 * (what a `from<->to` fault needs) cannot both order the start, so such a pair orders nothing; `dependsOn` can.
 */
export function startDependencies(scenario: ScenarioParts): Map<string, Set<string>> {
  const deps = new Map<string, Set<string>>();
  for (const [name, service] of Object.entries(scenario.services ?? {})) deps.set(name, new Set(service?.dependsOn));
  const links = scenario.links ?? [];
  const declared = new Set(links.map((l) => `${l.from}->${l.to}`));
  for (const link of links) {
    if (!declared.has(`${link.to}->${link.from}`)) deps.get(link.from)?.add(link.to);
  }
  return deps;
}

function checkStartOrder(scenario: ScenarioParts): RuleIssue[] {
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

function expectKind(services: NonNullable<ScenarioParts['services']>, path: (string | number)[], name: string, kind: ServiceKind): RuleIssue[] {
  if (!Object.hasOwn(services, name)) return [{ path, message: `unknown service "${name}"; services are ${Object.keys(services).join(', ')}` }];
  const service = services[name];
  if (service && service.kind !== kind) return [{ path, message: `service "${name}" is of kind ${service.kind}, expected a ${kind}` }];
  return [];
}

function checkWorkload({ workload, services }: ScenarioParts): RuleIssue[] {
  if (!workload || !services) return [];
  if (workload.type === 'signal') {
    return [
      ...expectKind(services, ['workload', 'bridge'], workload.bridge, 'bridge'),
      ...workload.bots.flatMap((bot, i) => expectKind(services, ['workload', 'bots', i], bot, 'bot')),
    ];
  }
  if (workload.type === 'wavry') {
    return [
      ...expectKind(services, ['workload', 'gateway'], workload.gateway, 'gateway'),
      ...expectKind(services, ['workload', 'master'], workload.master, 'master'),
      ...workload.hosts.flatMap((host, i) => expectKind(services, ['workload', 'hosts', i], host, 'host')),
      ...workload.relays.flatMap((relay, i) => expectKind(services, ['workload', 'relays', i], relay, 'relay')),
    ];
  }
  if (workload.type === 'http' && !workload.target.includes('://')) {
    const [service] = workload.target.split('.');
    if (!Object.hasOwn(services, service!)) return [{ path: ['workload', 'target'], message: `expected a URL or SERVICE.PORT, and "${service}" is not a service` }];
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

function checkFaultLinks({ faults, links }: ScenarioParts): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const declared = (end: { from: string; to: string }) => links!.some((l) => l.from === end.from && l.to === end.to);
  faults?.timeline.forEach((fault, i) => {
    const path = ['faults', 'timeline', i, 'link'];
    const ends = resolveLinkReference(fault.link);
    if (!ends) return issues.push({ path, message: `expected "from->to", "from<->to" or "from_to_to", got "${fault.link}"` });
    if (!links) return undefined;
    const missing = ends.filter((end) => !declared(end));
    const present = ends.filter(declared);
    if (ends.length === 2 && missing.length === 1) {
      const [a, b] = [present[0]!, missing[0]!];
      const message = `fault link ${ends[0]!.from}<->${ends[0]!.to} cuts both directions but only ${a.from}->${a.to} is declared in links: add { from: ${b.from}, to: ${b.to} }`;
      return issues.push({ path, message });
    }
    for (const { from, to } of missing) {
      issues.push({ path, message: `no link ${from} -> ${to} in \`links\`; faults act on declared links only` });
    }
    return undefined;
  });
  return issues;
}

/** The largest value a ramp may move an attribute to, and its unit ('' for a share from 0 to 1). */
const RAMP_BOUNDS: Record<string, [number, string]> = {
  probability: [1, ''],
  correlation: [1, ''],
  rate: [scenarioLimits.bandwidthKBps, 'KB/s'],
};

/** A ramp spreads over the fault's `for` in steps shorter than it, not too many; values stay within their bounds. */
function checkFaultRamps(faults: FaultsSpec): RuleIssue[] {
  const issues: RuleIssue[] = [];
  faults.timeline.forEach((fault, i) => {
    const ramp = 'ramp' in fault ? fault.ramp : undefined;
    if (!ramp) return;
    const path = ['faults', 'timeline', i, 'ramp'];
    if (fault.for === undefined) {
      issues.push({ path, message: 'a ramp spreads over the fault\'s `for`, and this fault has none: add `for` (e.g. `for: 30s`) or drop the ramp' });
    } else if (ramp.step >= fault.for) {
      issues.push({
        path: [...path, 'step'],
        message: `ramp step ${ramp.step} ms must be shorter than the fault's \`for\` (${fault.for} ms), or the ramp never moves`,
      });
    } else if (fault.for / ramp.step > scenarioLimits.rampSteps) {
      issues.push({
        path: [...path, 'step'],
        message: `a ramp step of ${ramp.step} ms over ${fault.for} ms makes ${Math.ceil(fault.for / ramp.step)} updates; at most ${scenarioLimits.rampSteps} (use a longer step)`,
      });
    }
    const [bound, unit] = RAMP_BOUNDS[ramp.attribute] ?? [scenarioLimits.toxicMs, 'ms'];
    for (const end of ['from', 'to'] as const) {
      if (ramp[end] <= bound) continue;
      const message = unit === '' ? `ramp ${end} must be a ${ramp.attribute} from 0 to 1, got ${ramp[end]}` : `ramp ${end} must be at most ${bound.toLocaleString('en-US')} ${unit}, got ${ramp[end]}`;
      issues.push({ path: [...path, end], message });
    }
  });
  if (faults.image && faults.server !== 'toxiproxy-container') {
    issues.push({ path: ['faults', 'image'], message: `\`image\` is for \`server: toxiproxy-container\`; this scenario's server is ${faults.server}` });
  }
  return issues;
}

/** Grammar always; SLI names only when the workload (which decides the SLIs) parsed, phases when faults and steps did. */
function checkThresholds(scenario: ScenarioParts): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const { workload } = scenario;
  const forPhases = wholeSections(scenario, ['faults', 'steps', 'method']);
  const phases = forPhases && phasesOf(forPhases);
  for (const [key, entries] of Object.entries(scenario.thresholds ?? {})) {
    const { sli, phase } = parseThresholdKey(key);
    const definition = workload && sliDefinition(workload.type, sli);
    if (workload && !definition) {
      issues.push({ path: ['thresholds', key], message: `unknown SLI "${sli}" for a ${workload.type} workload` });
      continue;
    }
    const reason = workload?.type === 'wavry' && sli.startsWith('lease_rejects_') ? sli.slice('lease_rejects_'.length) : undefined;
    if (reason !== undefined && !Object.hasOwn(LEASE_REJECT_REASON, reason)) {
      issues.push({ path: ['thresholds', key], message: `unknown LEASE_REJECT reason "${reason}"; lease_rejects_<reason> takes ${Object.keys(LEASE_REJECT_REASON).join(', ')}` });
      continue;
    }
    const relay = workload?.type === 'wavry' && sli.startsWith('relay_sessions_') ? sli.slice('relay_sessions_'.length) : undefined;
    if (workload?.type === 'wavry' && relay !== undefined && !workload.relays.includes(relay)) {
      issues.push({ path: ['thresholds', key], message: `relay_sessions_<relay> counts the workload's relays; "${relay}" is not in workload.relays (${workload.relays.join(', ') || 'none'})` });
      continue;
    }
    if (phases && phase !== undefined && !phases.includes(phase)) {
      issues.push({ path: ['thresholds', key], message: `this scenario has no phase "${phase}"; its phases are ${phases.join(', ')}` });
      continue;
    }
    entries.forEach((entry, i) => {
      const source = typeof entry === 'string' ? entry : entry.threshold;
      const path = typeof entry === 'string' ? ['thresholds', key, i] : ['thresholds', key, i, 'threshold'];
      const parsed = parseThresholdExpression(source);
      if (typeof parsed === 'string') return issues.push({ path, message: parsed });
      if (!definition) return undefined;
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

/** The report's time series holds one bucket per `report.interval` of load: a bounded number of them. */
function checkSeriesLength(scenario: ScenarioParts): RuleIssue[] {
  const parts = wholeSections(scenario, ['load', 'report']);
  if (!parts) return [];
  const { load, report } = parts;
  const loadMs = load.executor === 'constant-arrival-rate' ? load.duration + load.gracefulStop : load.stages.reduce((t, s) => t + s.duration, load.gracefulStop);
  const buckets = Math.ceil(loadMs / report.interval);
  if (buckets <= scenarioLimits.seriesBuckets) return [];
  return [
    {
      path: ['report', 'interval'],
      message: `${loadMs} ms of load in buckets of ${report.interval} ms is ${buckets} buckets; at most ${scenarioLimits.seriesBuckets} (use a longer interval)`,
    },
  ];
}

function checkFixtures(scenario: ScenarioParts, context: RuleContext): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const [name, service] of Object.entries(scenario.services ?? {})) {
    if (!service || service.command || service.image || service.url) continue;
    if (service.kind === 'redis' && !service.fixture) continue; // a real redis-server: no fixture, no release profiles
    const fixture = service.fixture ?? service.kind;
    const releases = context.fixtureReleases(fixture);
    const release = service.release ?? scenario.release;
    if (release === undefined) continue;
    const path = ['services', name, service.release ? 'release' : service.fixture ? 'fixture' : 'kind'];
    if (!releases) issues.push({ path, message: `no fixture "${fixture}" in fixtures/` });
    else if (!releases.includes(release)) {
      issues.push({ path: service.release ? path : ['release'], message: `fixture "${fixture}" has no release "${release}"; it has ${releases.join(', ')}` });
    }
  }
  return issues;
}
