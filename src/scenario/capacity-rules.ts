/** Cross-references of the `capacity:` section: the services it varies and stops must exist. */
import { VARY_ENV_KEY, VARY_REPLICAS_KEY } from './capacity-schema.ts';
import type { ScenarioParts } from './scenario-parts.ts';
import type { RuleIssue } from './scenario-rules.ts';

export function checkCapacityRules({ capacity, services, runtime }: ScenarioParts): RuleIssue[] {
  if (!capacity || !services) return [];
  const names = Object.keys(services);
  const issues: RuleIssue[] = [];
  for (const [key, values] of Object.entries(capacity.vary ?? {})) {
    const service = VARY_ENV_KEY.exec(key)?.[1] ?? VARY_REPLICAS_KEY.exec(key)?.[1];
    if (service && !names.includes(service))
      issues.push({ path: ['capacity', 'vary', key], message: `varies unknown service "${service}"; services are ${names.join(', ')}` });
    if (!VARY_REPLICAS_KEY.test(key)) continue;
    if (runtime === 'external') issues.push({ path: ['capacity', 'vary', key], message: 'replicas need a runtime that starts services (process or docker), not external' });
    values.forEach((value, i) => {
      const count = Number(value);
      if (!Number.isInteger(count) || count < 1 || count > 16)
        issues.push({ path: ['capacity', 'vary', key, i], message: `a number of instances is a whole number from 1 to 16, got "${value}"` });
    });
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
