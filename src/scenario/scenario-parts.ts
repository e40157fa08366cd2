/**
 * The sections of a scenario that pass the schema on their own, so the cross-reference rules can still run
 * when another section has a wrong type: a bad `env` value in one service must not hide a dangling link.
 */
import type { z } from 'zod';
import { scenarioSchema, type Scenario } from './scenario-schema.ts';
import { serviceSchema, type ServiceSpec } from './service-schema.ts';

/**
 * What the rules read. A whole Scenario is one. After a schema failure, a section is absent when it failed, and a
 * service that failed is present by name with the value undefined (its name still counts as a service).
 */
export type ScenarioParts = Partial<Omit<Scenario, 'services'> & { services: Record<string, ServiceSpec | undefined> }>;

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses each top-level section of `document` (the YAML as plain data) by itself, and each service by itself. */
export function parseScenarioParts(document: unknown): ScenarioParts {
  const sections = isMapping(document) ? document : {};
  const parts: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(scenarioSchema.shape) as [string, z.ZodType][]) {
    if (key === 'services') continue;
    const parsed = schema.safeParse(sections[key]);
    if (parsed.success) parts[key] = parsed.data;
  }
  if (isMapping(sections.services)) {
    parts.services = Object.fromEntries(
      Object.entries(sections.services).map(([name, value]) => {
        const parsed = serviceSchema.safeParse(value);
        return [name, parsed.success ? parsed.data : undefined];
      }),
    );
  }
  return parts as ScenarioParts;
}

/**
 * `scenario` when every section in `keys` parsed (and, for `services`, every service), for the checks that read
 * only those sections (steps, phases); undefined otherwise.
 */
export function wholeSections<K extends keyof Scenario>(scenario: ScenarioParts, keys: readonly K[]): Pick<Scenario, K> | undefined {
  const parsed = keys.every(
    (key) => scenario[key] !== undefined && (key !== 'services' || Object.values(scenario.services!).every(Boolean)),
  );
  // Checked just above: each key is present, and no service is undefined.
  return parsed ? (scenario as Pick<Scenario, K>) : undefined;
}
