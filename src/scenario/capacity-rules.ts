/** Cross-references of the `capacity:` section: the services it varies and stops must exist. */
import { VARY_ENV_KEY } from './capacity-schema.ts';
import type { ScenarioParts } from './scenario-parts.ts';
import type { RuleIssue } from './scenario-rules.ts';

export function checkCapacityRules({ capacity, services }: ScenarioParts): RuleIssue[] {
  if (!capacity || !services) return [];
  const names = Object.keys(services);
  const issues: RuleIssue[] = [];
  for (const key of Object.keys(capacity.vary ?? {})) {
    const service = VARY_ENV_KEY.exec(key)?.[1];
    if (service && !names.includes(service))
      issues.push({ path: ['capacity', 'vary', key], message: `varies unknown service "${service}"; services are ${names.join(', ')}` });
  }
  const stopped = capacity.failover?.stop ?? [];
  stopped.forEach((name, i) => {
    if (!names.includes(name))
      issues.push({ path: ['capacity', 'failover', 'stop', i], message: `stops unknown service "${name}"; services are ${names.join(', ')}` });
  });
  if (stopped.length > 0 && stopped.length >= names.length)
    issues.push({ path: ['capacity', 'failover', 'stop'], message: 'stops every service: nothing would be left to measure' });
  return issues;
}
