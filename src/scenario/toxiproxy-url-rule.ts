/**
 * Which server `faults.server: toxiproxy` drives: `faults.url`, else $TOXIPROXY_URL. The variable is read for that
 * server only (an embedded or container server never reads it), and it is held to the loopback rule as `faults.url`
 * is: outside loopback it is refused unless the scenario sets `allowNonLoopback: true`. The loader checks it (so
 * `drill validate` says so, at `faults.server`), and the run checks it again when it reads the variable.
 */
import { hostOf, isLoopbackHost } from '../common/loopback.ts';
import type { FaultsSpec } from './faults-schema.ts';
import type { ScenarioParts } from './scenario-parts.ts';

export interface UrlProblem {
  problem: string;
}

/** The problem with $TOXIPROXY_URL's value, or undefined when it is a loopback URL (or the rule is lifted). */
function envUrlProblem(value: string, allowNonLoopback: boolean): string | undefined {
  let host: string;
  try {
    host = hostOf(value);
  } catch {
    return `$TOXIPROXY_URL must be a URL such as http://127.0.0.1:8474, got "${value}"`;
  }
  if (!value.includes('://')) return `$TOXIPROXY_URL must be a URL such as http://127.0.0.1:8474, got "${value}"`;
  if (allowNonLoopback || isLoopbackHost(host.toLowerCase())) return undefined;
  return `$TOXIPROXY_URL is "${value}", outside loopback (127.0.0.0/8, ::1); drill refuses it unless the scenario sets \`allowNonLoopback: true\``;
}

/** The URL of the Toxiproxy server a `server: toxiproxy` scenario drives, or what is wrong. */
export function toxiproxyServerUrl(faults: Pick<FaultsSpec, 'url'>, env: NodeJS.ProcessEnv, allowNonLoopback: boolean): string | UrlProblem {
  if (faults.url) return faults.url;
  const value = env['TOXIPROXY_URL'];
  if (!value) return { problem: 'faults.server is "toxiproxy" but no server is named: set faults.url or $TOXIPROXY_URL (e.g. http://127.0.0.1:8474)' };
  const problem = envUrlProblem(value, allowNonLoopback);
  return problem ? { problem } : value;
}

/** Load-time check of $TOXIPROXY_URL for a `server: toxiproxy` scenario without `faults.url` (reported at faults.server). */
export function checkToxiproxyUrl(scenario: ScenarioParts, env: NodeJS.ProcessEnv): { path: (string | number)[]; message: string }[] {
  const { faults } = scenario;
  const value = env['TOXIPROXY_URL'];
  if (faults?.server !== 'toxiproxy' || faults.url || !value || scenario.allowNonLoopback === undefined) return [];
  const problem = envUrlProblem(value, scenario.allowNonLoopback);
  return problem ? [{ path: ['faults', 'server'], message: problem }] : [];
}
