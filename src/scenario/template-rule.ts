/**
 * Templates in service `env` values and `command` arguments, checked at load time: every `${…}` must name a
 * template that exists (`ports.NAME` of this service, `links.SERVICE.PORT` of a linked service, `release`,
 * `dataDir`, `service`), so a typo fails `drill validate` instead of the run. The values are also expanded with
 * stand-ins (every port 1, every link 127.0.0.1:1, the real release and service name), so the loopback rule can
 * check what a value becomes, not only what is written.
 */
import { serviceKindCatalog } from '../runtime/service-kinds.ts';
import { expandTemplate, type TemplateValues } from '../runtime/env-template.ts';
import type { ScenarioParts } from './scenario-parts.ts';
import type { ServiceSpec } from './service-schema.ts';

export interface TemplateIssue {
  path: (string | number)[];
  message: string;
}

/** Stands in for `${dataDir}` at load time: the run's folder is not known yet. */
const DATA_DIR_STAND_IN = '/drill/run/services';

function portNames(service: ServiceSpec): string[] {
  return [...new Set([...Object.keys(serviceKindCatalog[service.kind].ports), ...Object.keys(service.ports)])];
}

/** Template values of service `name` with stand-ins for what only a run knows; undefined when a section it needs failed. */
export function standInValues(scenario: ScenarioParts, name: string): TemplateValues | undefined {
  const service = scenario.services?.[name];
  if (!service || !scenario.links || scenario.release === undefined) return undefined;
  const links: Record<string, Record<string, string>> = {};
  for (const link of scenario.links.filter((l) => l.from === name)) {
    const target = scenario.services?.[link.to];
    if (!target) return undefined;
    links[link.to] = Object.fromEntries(portNames(target).map((port) => [port, '127.0.0.1:1']));
  }
  return {
    ports: Object.fromEntries(portNames(service).map((port) => [port, 1])),
    links,
    release: service.release ?? scenario.release,
    dataDir: `${DATA_DIR_STAND_IN}/${name}`,
    service: name,
  };
}

/** Each env value and command argument of every service, with its path and its stand-in expansion. */
export function serviceValues(scenario: ScenarioParts): { path: (string | number)[]; written: string; expanded: { value: string } | { error: string } | undefined }[] {
  const out: ReturnType<typeof serviceValues> = [];
  for (const [name, service] of Object.entries(scenario.services ?? {})) {
    if (!service) continue;
    const values = standInValues(scenario, name);
    const add = (path: (string | number)[], written: string) => out.push({ path, written, expanded: values && expandTemplate(written, values) });
    for (const [key, value] of Object.entries(service.env)) add(['services', name, 'env', key], value);
    service.command?.forEach((arg, i) => add(['services', name, 'command', i], arg));
  }
  return out;
}

export function checkTemplates(scenario: ScenarioParts): TemplateIssue[] {
  return serviceValues(scenario).flatMap(({ path, expanded }) => (expanded && 'error' in expanded ? [{ path, message: expanded.error }] : []));
}
