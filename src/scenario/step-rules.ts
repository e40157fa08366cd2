/**
 * Checks of `steps:`, `method:` and `rollbacks:` the schema cannot express: services that exist, releases their
 * fixtures ship, fields that make sense for the action, ports, order of `at`, phase names that do not collide.
 */
import type { RuleContext, RuleIssue } from './scenario-rules.ts';
import type { Scenario } from './scenario-schema.ts';
import { actionService, type MethodAction, type ProcessAction } from './method-schema.ts';
import { stepPhaseNames } from './steps-schema.ts';

const RESTARTING = new Set(['restart', 'rollback', 'upgrade']);
const TAKING_DOWN = new Set(['stop', 'kill', 'pause']);
const PROCESS = new Set(['restart', 'stop', 'start', 'kill', 'pause', 'resume', 'rollback', 'upgrade']);

/** The sections the action checks read. */
export type StepSections = Pick<Scenario, 'services' | 'load' | 'steps'>;

export function checkSteps(scenario: StepSections, context: RuleContext): RuleIssue[] {
  return checkActions(scenario, 'steps', scenario.steps, context, new Set());
}

/** Checks one list of actions; `phases` collects phase names across lists so two lists cannot reuse one. */
export function checkActions(scenario: StepSections, section: string, actions: MethodAction[], context: RuleContext, phases: Set<string>): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const names = Object.keys(scenario.services);
  const unknown = (name: string) => `unknown service "${name}"; services are ${names.join(', ')}`;
  const loadMs = loadDurationMs(scenario);
  // A check may probe, and a process action act on, a replica a `scale` of this list starts (SERVICE-2, …).
  const replicaOf = new Map(actions.flatMap((a) => (a.action === 'scale' ? Array.from({ length: a.replicas - 1 }, (_, n) => [`${a.service}-${n + 2}` as string, a.service] as const) : [])));
  const replicas = new Set(replicaOf.keys());
  let previousAt = -1;
  actions.forEach((action, i) => {
    const at = (...path: (string | number)[]) => [section, i, ...path];
    const service = actionService(action);
    // Own keys only: `constructor` or `toString` are not services.
    const replicaOfService = service !== undefined && PROCESS.has(action.action) ? replicaOf.get(service) : undefined;
    if (replicaOfService !== undefined && !Object.hasOwn(scenario.services, service!)) {
      issues.push(...checkRelease(scenario, { ...(action as ProcessAction), service: replicaOfService }, context, at('release')));
    } else if (service !== undefined && !Object.hasOwn(scenario.services, service)) issues.push({ path: at('service'), message: unknown(service) });
    else if (PROCESS.has(action.action)) issues.push(...checkRelease(scenario, action as ProcessAction, context, at('release')));
    if (PROCESS.has(action.action)) issues.push(...checkFields(action as ProcessAction).map((message) => ({ path: at(), message })));
    action.checks.forEach((check, c) => {
      if (!Object.hasOwn(scenario.services, check.service) && !replicas.has(check.service)) issues.push({ path: at('checks', c, 'service'), message: unknown(check.service) });
      if (check.registeredWith !== undefined && !Object.hasOwn(scenario.services, check.registeredWith)) {
        issues.push({ path: at('checks', c, 'registeredWith'), message: unknown(check.registeredWith) });
      }
    });
    if (action.at !== undefined) {
      if (section === 'rollbacks') issues.push({ path: at('at'), message: 'rollbacks run one after the other once the method is over; drop `at`' });
      else if (action.at >= loadMs) issues.push({ path: at('at'), message: `the load lasts ${loadMs} ms; a step at ${action.at} ms would never run` });
      if (action.at < previousAt) issues.push({ path: at('at'), message: 'steps run one after the other: list them in the order of `at`' });
      previousAt = action.at;
    }
    const { during, after } = stepPhaseNames(action, i);
    for (const phase of section === 'rollbacks' ? [] : [during, after]) {
      if (phases.has(phase)) issues.push({ path: at('name'), message: `two steps name the phase "${phase}"; give the steps distinct names` });
      phases.add(phase);
    }
  });
  return issues;
}

function checkFields(step: ProcessAction): string[] {
  const problems: string[] = [];
  if ((step.action === 'rollback' || step.action === 'upgrade') && !step.release) {
    problems.push(`${step.action} needs \`release\`: the release to start ${step.service} on`);
  }
  if (step.release && !RESTARTING.has(step.action) && step.action !== 'start') {
    problems.push(`\`release\` applies to restart, start, rollback and upgrade, not ${step.action}`);
  }
  if ((step.kill || step.down > 0) && !RESTARTING.has(step.action)) {
    problems.push(`\`kill\` and \`down\` apply to restart, rollback and upgrade, not ${step.action}`);
  }
  if (step.for !== undefined && !TAKING_DOWN.has(step.action)) {
    problems.push(`\`for\` applies to stop, kill and pause (how long until the service comes back), not ${step.action}`);
  }
  return problems;
}

function checkRelease(scenario: StepSections, step: ProcessAction, context: RuleContext, path: (string | number)[]): RuleIssue[] {
  const service = scenario.services[step.service]!;
  if (!step.release || service.command || service.url || service.image) return [];
  const fixture = service.fixture ?? service.kind;
  const releases = context.fixtureReleases(fixture);
  if (!releases || releases.includes(step.release)) return [];
  return [{ path, message: `fixture "${fixture}" has no release "${step.release}"; it has ${releases.join(', ')}` }];
}

export function loadDurationMs(scenario: Pick<Scenario, 'load'>): number {
  const load = scenario.load;
  return load.executor === 'constant-arrival-rate' ? load.duration : load.stages.reduce((total, stage) => total + stage.duration, 0);
}
