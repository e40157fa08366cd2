/**
 * The network rule at load time: every address a scenario names must be on loopback (127.0.0.0/8, ::1, localhost)
 * unless it sets `allowNonLoopback: true`. Checked: service `url`, `workload.target`, `faults.url`, and the addresses
 * written inside service `env` values and `command` arguments (see address-scan.ts for what counts as one), as
 * they read once templates are expanded (`${release}` may itself be an address); drill checks them again with the
 * real values when it plans the stack.
 */
import { hostOf, isLoopbackHost } from '../common/loopback.ts';
import { findAddresses } from './address-scan.ts';
import type { ScenarioParts } from './scenario-parts.ts';
import { serviceValues } from './template-rule.ts';

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
  for (const [name, service] of Object.entries(scenario.services ?? {})) {
    if (service?.url) refuse(['services', name, 'url'], service.url);
  }
  for (const { path, written, expanded } of serviceValues(scenario)) {
    // A template that does not expand is reported on its own; the text as written is still checked.
    const text = expanded && 'value' in expanded ? expanded.value : written;
    for (const message of addressProblems(text, text === written ? undefined : written)) issues.push({ path, message });
  }
  const workload = scenario.workload;
  if (workload?.type === 'http' && workload.target.includes('://')) refuse(['workload', 'target'], workload.target);
  if (scenario.faults?.url) refuse(['faults', 'url'], scenario.faults.url);
  return issues;
}

/** Why `text` (an env value or argument, `written` before its templates were expanded) breaks the rule, if it does. */
export function addressProblems(text: string, written?: string): string[] {
  const from = written === undefined ? '' : ` (written "${written}")`;
  const problems = new Map<string, string>();
  // One problem per address: the first reading that leaves loopback (or cannot be read) names it.
  for (const { text: address, host, problem } of findAddresses(text)) {
    if (problems.has(address) || (!problem && isLoopbackHost(host))) continue;
    problems.set(address, problem ? `${problem}${from}; ${OPT_IN}` : `"${address}"${from} reaches ${host}, outside loopback (127.0.0.0/8, ::1, localhost); ${OPT_IN}`);
  }
  return [...problems.values()];
}
