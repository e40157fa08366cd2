/**
 * Checks of a playbook the schema cannot express: probes and recovery conditions that name SLIs of the workload
 * in the threshold grammar, services that exist, step faults on declared links, a baseline long enough for the
 * steady state's SLI windows, and `steps:` and `method:` not both given.
 */
import { aggregationsByKind, sliDefinition } from '../sli/catalog.ts';
import { actionService, type MethodAction } from './method-schema.ts';
import type { ProbeSpec } from './probe-schema.ts';
import type { RuleContext, RuleIssue } from './scenario-rules.ts';
import { resolveLinkReference } from './scenario-rules.ts';
import type { Scenario } from './scenario-schema.ts';
import { checkActions } from './step-rules.ts';
import { mentionsBaseline, parseBaselineCondition } from './baseline-condition.ts';
import { parseThresholdExpression } from './threshold-expression.ts';

/** The sections the checks need, and the playbook sections that parsed (absent: it did not, or is not there). */
export type PlaybookSections = Pick<Scenario, 'services' | 'load' | 'workload' | 'links'> &
  Partial<Pick<Scenario, 'steps' | 'method' | 'rollbacks' | 'steadyState' | 'slos'>>;
type Path = (string | number)[];

export function checkPlaybook(scenario: PlaybookSections, context: RuleContext): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const { method = [], rollbacks = [], steadyState = [] } = scenario;
  if ((scenario.steps?.length ?? 0) > 0 && method.length > 0) {
    issues.push({ path: ['method'], message: '`steps:` and `method:` both given; `method:` is the playbook form of `steps:`, keep one' });
  }
  const acts = method.length > 0 || (scenario.steps?.length ?? 0) > 0;
  for (const [key, list] of [['steadyState', steadyState], ['rollbacks', rollbacks]] as const) {
    if (list.length > 0 && !acts && scenario.steps !== undefined && scenario.method !== undefined) {
      issues.push({ path: [key], message: `\`${key}\` belongs to a playbook with a \`method:\` (or \`steps:\`); this file has none` });
    }
  }
  const phases = new Set<string>();
  const sections = { ...scenario, steps: scenario.steps ?? [] };
  issues.push(...checkActions(sections, 'method', method, context, phases));
  issues.push(...checkActions(sections, 'rollbacks', rollbacks, context, phases));
  for (const [section, actions] of [['method', method], ['rollbacks', rollbacks]] as const) {
    actions.forEach((action, i) => issues.push(...checkAction(scenario, action, [section, i])));
  }
  steadyState.forEach((probe, i) => issues.push(...checkProbe(scenario, probe, ['steadyState', i])));
  scenario.slos?.forEach((slo, i) => {
    const definition = sliDefinition(scenario.workload.type, slo.sli);
    if (definition?.kind !== 'rate') issues.push({ path: ['slos', i, 'sli'], message: `an SLO's SLI is a rate of bad events of the ${scenario.workload.type} workload, got "${slo.sli}"` });
  });
  issues.push(...checkBaseline(steadyState, method));
  return issues;
}

/** The steady state before the method judges the baseline: its SLI windows must fit before the first action. */
function checkBaseline(steadyState: ProbeSpec[], method: MethodAction[]): RuleIssue[] {
  const windowMs = Math.max(0, ...steadyState.filter((p) => p.sli).map((p) => p.over));
  const first = method[0];
  if (!first || windowMs === 0 || (first.at ?? 0) >= windowMs) return [];
  return [{ path: ['method', 0, 'at'], message: `the steady state judges SLIs over ${windowMs} ms of baseline; start the first action at ${windowMs} ms or later (\`at\`)` }];
}

function checkAction(scenario: PlaybookSections, action: MethodAction, path: Path): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (action.recovered) {
    const problem = conditionProblem(scenario, action.recovered.sli, action.recovered.condition);
    if (problem) issues.push({ path: [...path, 'recovered', problem.field], message: problem.message });
  }
  if (action.action === 'wait-until') issues.push(...checkProbe(scenario, action.probe, [...path, 'probe']));
  if (action.action === 'fault') issues.push(...checkFault(scenario, action.fault, [...path, 'fault']));
  const service = actionService(action);
  if (action.action === 'scale' && service && (Object.hasOwn(scenario.services, service) && scenario.services[service]?.url)) {
    issues.push({ path: [...path, 'service'], message: `${service} is an external service (\`url\`); drill cannot start replicas of it` });
  }
  return issues;
}

function checkFault(scenario: PlaybookSections, fault: { link: string }, path: Path): RuleIssue[] {
  const ends = resolveLinkReference(fault.link);
  if (!ends) return [{ path: [...path, 'link'], message: `expected "from->to", "from<->to" or "from_to_to", got "${fault.link}"` }];
  const missing = ends.filter((end) => !scenario.links.some((l) => l.from === end.from && l.to === end.to));
  return missing.map(({ from, to }) => ({ path: [...path, 'link'], message: `no link ${from} -> ${to} in \`links\`; faults act on declared links only` }));
}

function checkProbe(scenario: PlaybookSections, probe: ProbeSpec, path: Path): RuleIssue[] {
  const target = probe.http?.service ?? probe.metric?.service;
  const kind = probe.http ? 'http' : 'metric';
  if (target !== undefined && !Object.hasOwn(scenario.services, target)) {
    return [{ path: [...path, kind, 'service'], message: `unknown service "${target}"; services are ${Object.keys(scenario.services).join(', ')}` }];
  }
  if (probe.sli === undefined || probe.condition === undefined) return [];
  const problem = mentionsBaseline(probe.condition) ? baselineProblem(scenario, probe.sli, probe.condition) : conditionProblem(scenario, probe.sli, probe.condition);
  return problem ? [{ path: [...path, problem.field], message: problem.message }] : [];
}

/** The same for a condition relative to the baseline phase (`p(95) < 2x baseline`), which only probes take. */
function baselineProblem(scenario: PlaybookSections, sli: string, condition: string): { field: 'sli' | 'condition'; message: string } | undefined {
  const definition = sliDefinition(scenario.workload.type, sli);
  if (!definition) return { field: 'sli', message: `unknown SLI "${sli}" for a ${scenario.workload.type} workload` };
  const rule = parseBaselineCondition(sli, condition);
  if (typeof rule === 'string') return { field: 'condition', message: rule };
  const allowed = aggregationsByKind[definition.kind];
  if (!rule.aggregation || allowed.includes(rule.aggregation.kind)) return undefined;
  return { field: 'condition', message: `${sli} is a ${definition.kind} (${definition.unit}); use ${allowed.map((a) => (a === 'percentile' ? 'p(N)' : a)).join(', ')}` };
}

/** What is wrong with judging `sli` by `condition`, if anything, and which field says it. */
function conditionProblem(scenario: PlaybookSections, sli: string, condition: string): { field: 'sli' | 'condition'; message: string } | undefined {
  const definition = sliDefinition(scenario.workload.type, sli);
  if (!definition) return { field: 'sli', message: `unknown SLI "${sli}" for a ${scenario.workload.type} workload` };
  const parsed = parseThresholdExpression(condition);
  if (typeof parsed === 'string') return { field: 'condition', message: parsed };
  const allowed = aggregationsByKind[definition.kind];
  if (allowed.includes(parsed.aggregation.kind)) return undefined;
  return { field: 'condition', message: `${sli} is a ${definition.kind} (${definition.unit}); use ${allowed.map((a) => (a === 'percentile' ? 'p(N)' : a)).join(', ')}` };
}
