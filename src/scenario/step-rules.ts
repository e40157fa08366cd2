/**
 * Checks of `steps:` the schema cannot express: services that exist, releases their fixtures ship, fields
 * that make sense for the action, ports that exist, and phase names that do not collide.
 */
import type { RuleContext, RuleIssue } from './scenario-rules.ts';
import type { Scenario } from './scenario-schema.ts';
import { stepPhaseNames, type StepSpec } from './steps-schema.ts';

const RESTARTING = new Set(['restart', 'rollback', 'upgrade']);
const TAKING_DOWN = new Set(['stop', 'kill', 'pause']);

/** The sections the step checks read. */
type StepSections = Pick<Scenario, 'services' | 'load' | 'steps'>;

export function checkSteps(scenario: StepSections, context: RuleContext): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const names = Object.keys(scenario.services);
  const phases = new Set<string>();
  scenario.steps.forEach((step, i) => {
    const at = (...path: (string | number)[]) => ['steps', i, ...path];
    // Own keys only: `constructor` or `toString` are not services.
    if (!Object.hasOwn(scenario.services, step.service)) {
      issues.push({ path: at('service'), message: `unknown service "${step.service}"; services are ${names.join(', ')}` });
    } else {
      issues.push(...checkRelease(scenario, step, context, at('release')));
    }
    issues.push(...checkFields(step).map((message) => ({ path: at(), message })));
    step.checks.forEach((check, c) => {
      if (!Object.hasOwn(scenario.services, check.service)) issues.push({ path: at('checks', c, 'service'), message: `unknown service "${check.service}"; services are ${names.join(', ')}` });
    });
    const loadMs = loadDurationMs(scenario);
    if (step.at >= loadMs) issues.push({ path: at('at'), message: `the load lasts ${loadMs} ms; a step at ${step.at} ms would never run` });
    if (i > 0 && step.at < scenario.steps[i - 1]!.at) {
      issues.push({ path: at('at'), message: 'steps run one after the other: list them in the order of `at`' });
    }
    const { during, after } = stepPhaseNames(step, i);
    for (const phase of [during, after]) {
      if (phases.has(phase)) issues.push({ path: at('name'), message: `two steps name the phase "${phase}"; give the steps distinct names` });
      phases.add(phase);
    }
  });
  return issues;
}

function checkFields(step: StepSpec): string[] {
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

function checkRelease(scenario: StepSections, step: StepSpec, context: RuleContext, path: (string | number)[]): RuleIssue[] {
  const service = scenario.services[step.service]!;
  if (!step.release || service.command || service.url || service.image) return [];
  const fixture = service.fixture ?? service.kind;
  const releases = context.fixtureReleases(fixture);
  if (!releases || releases.includes(step.release)) return [];
  return [{ path, message: `fixture "${fixture}" has no release "${step.release}"; it has ${releases.join(', ')}` }];
}

function loadDurationMs(scenario: StepSections): number {
  const load = scenario.load;
  return load.executor === 'constant-arrival-rate' ? load.duration : load.stages.reduce((total, stage) => total + stage.duration, 0);
}
