/** Checks of `rollback:` and `compare.slis` the schema cannot make: SLI names exist for the workload, aggregations fit the kind. */
import { aggregationsByKind, sliDefinition } from '../sli/catalog.ts';
import type { ScenarioParts } from './scenario-parts.ts';
import type { RuleIssue } from './scenario-rules.ts';

export function checkCompareRules({ workload, rollback, compare }: ScenarioParts): RuleIssue[] {
  if (!workload) return [];
  const issues: RuleIssue[] = [];
  rollback?.forEach((rule, i) => {
    const definition = sliDefinition(workload.type, rule.sli);
    if (!definition) return issues.push({ path: ['rollback', i], message: `unknown SLI "${rule.sli}" for a ${workload.type} workload` });
    const allowed = aggregationsByKind[definition.kind];
    if (rule.aggregation && !allowed.includes(rule.aggregation.kind)) {
      const names = allowed.map((a) => (a === 'percentile' ? 'p(N)' : a)).join(', ');
      issues.push({ path: ['rollback', i], message: `${rule.sli} is a ${definition.kind} (${definition.unit}); use ${names}` });
    }
    return undefined;
  });
  for (const name of Object.keys(compare?.slis ?? {})) {
    if (!sliDefinition(workload.type, name)) issues.push({ path: ['compare', 'slis', name], message: `unknown SLI "${name}" for a ${workload.type} workload` });
  }
  return issues;
}
