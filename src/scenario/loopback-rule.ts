/**
 * The network rule at load time: every address a scenario names must be on loopback (127.0.0.0/8, ::1, localhost)
 * unless it sets `allowNonLoopback: true`. Checked: service `url`, `workload.target`, `faults.url`, and the addresses
 * written inside service `env` values and `command` arguments (see address-scan.ts for what counts as one).
 */
import { hostOf, isLoopbackHost } from '../common/loopback.ts';
import { findAddresses } from './address-scan.ts';
import type { ScenarioParts } from './scenario-parts.ts';

export interface AddressIssue {
  path: (string | number)[];
  message: string;
}

const OPT_IN = 'drill refuses it unless the scenario sets `allowNonLoopback: true`';

export function checkLoopbackRule(scenario: ScenarioParts): AddressIssue[] {
  // Unknown (the key failed the schema) counts as allowed: the schema error is reported instead.
  if (scenario.allowNonLoopback !== false) return [];
  const issues: AddressIssue[] = [];
  const refuse = (path: (string | number)[], address: string): void => {
    let host: string;
    try {
      host = hostOf(address).toLowerCase();
    } catch {
      return void issues.push({ path, message: `expected a URL such as "http://127.0.0.1:8080", got "${address}"` });
    }
    if (!isLoopbackHost(host)) issues.push({ path, message: `"${address}" is outside loopback (127.0.0.0/8, ::1); ${OPT_IN}` });
  };
  const refuseInside = (path: (string | number)[], text: string): void => {
    for (const { text: address, host } of findAddresses(text)) {
      if (isLoopbackHost(host)) continue;
      issues.push({ path, message: `"${address}" reaches ${host}, outside loopback (127.0.0.0/8, ::1, localhost); ${OPT_IN}` });
    }
  };
  for (const [name, service] of Object.entries(scenario.services ?? {})) {
    if (!service) continue;
    if (service.url) refuse(['services', name, 'url'], service.url);
    for (const [key, value] of Object.entries(service.env)) refuseInside(['services', name, 'env', key], value);
    service.command?.forEach((arg, i) => refuseInside(['services', name, 'command', i], arg));
  }
  const workload = scenario.workload;
  if (workload?.type === 'http' && workload.target.includes('://')) refuse(['workload', 'target'], workload.target);
  if (scenario.faults?.url) refuse(['faults', 'url'], scenario.faults.url);
  return issues;
}
