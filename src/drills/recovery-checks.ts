/**
 * A drill step's recovery checks: HTTP probes on services, polled until each answers the expected status or
 * the step's deadline passes. Each check remembers when it first passed and, while it did not, what it last saw.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PortBinding } from '../runtime/runtime.ts';
import { urlOf } from './service-address.ts';
import { compare } from '../scenario/threshold-expression.ts';
import { parseMetricCondition, type StepCheck } from '../scenario/steps-schema.ts';
import { parsePrometheusText, sumOf } from '../sli/prometheus-text.ts';

/** How often a failing check is tried again, ms. */
const POLL_INTERVAL_MS = 200;
/** Longest a single probe may take, ms. */
const PROBE_TIMEOUT_MS = 2_000;

export interface CheckOutcome {
  target: string;
  passedAfterMs?: number;
  last?: string;
}

/** Resolves the address a check probes; throws when its service or port is unknown. */
export type AddressOf = (check: StepCheck) => PortBinding;

/**
 * Polls every check until all passed or `deadlineMs` (epoch ms); times count from `startedAtMs`.
 * A check that passed once counts as passed (recovery is the first moment the stack was healthy again).
 */
export async function pollChecks(
  checks: StepCheck[],
  addressOf: AddressOf,
  startedAtMs: number,
  deadlineMs: number,
  signal?: AbortSignal,
): Promise<CheckOutcome[]> {
  const outcomes = checks.map((check) => {
    const binding = addressOf(check);
    if (check.registeredWith !== undefined) {
      const master = addressOf({ service: check.registeredWith, status: 200 });
      const target = `${check.service} registered with ${check.registeredWith} (GET /v1/relays lists its relay_id)`;
      return { outcome: { target } as CheckOutcome, run: () => probeRegistration(urlOf(binding, '/health'), urlOf(master, '/v1/relays')) };
    }
    const path = check.path ?? '/metrics';
    const url = urlOf(binding, path);
    const target = `${check.service} ${check.metric ? `${check.metric.trim()} at ${path}` : `GET ${path} → ${check.status}`}`;
    const run = async (): Promise<Seen> => {
      const seen = check.metric ? await probeMetric(url, check.metric) : await probe(url);
      return seen === (check.metric ? true : check.status) ? { pass: true } : { pass: false, last: typeof seen === 'number' ? `status ${seen}` : String(seen) };
    };
    return { outcome: { target } as CheckOutcome, run };
  });
  for (;;) {
    await Promise.all(
      outcomes
        .filter((o) => o.outcome.passedAfterMs === undefined)
        .map(async (o) => {
          const seen = await o.run();
          if (seen.pass) {
            o.outcome.passedAfterMs = Date.now() - startedAtMs;
            if (seen.found) o.outcome.target += `: ${seen.found}`;
            delete o.outcome.last;
          } else o.outcome.last = seen.last;
        }),
    );
    if (outcomes.every((o) => o.outcome.passedAfterMs !== undefined)) break;
    if (Date.now() + POLL_INTERVAL_MS > deadlineMs || signal?.aborted) break;
    await sleep(POLL_INTERVAL_MS);
  }
  return outcomes.map((o) => o.outcome);
}

/** One poll of a check: passed (and what it found, for the check's label), or what it saw. */
type Seen = { pass: true; found?: string } | { pass: false; last: string };

/** A relay's current relay_id (its `/health`) listed in its master's registry (`/v1/relays`). */
async function probeRegistration(relayHealthUrl: string, masterRelaysUrl: string): Promise<Seen> {
  try {
    const health = (await fetchJson(relayHealthUrl)) as { relay_id?: unknown } | undefined;
    if (typeof health?.relay_id !== 'string') return { pass: false, last: 'the relay reports no relay_id' };
    const relayId = health.relay_id;
    const listed = await fetchJson(masterRelaysUrl);
    if (!Array.isArray(listed)) return { pass: false, last: 'the master lists no relays' };
    if (listed.some((entry) => (entry as { relay_id?: unknown }).relay_id === relayId)) return { pass: true, found: relayId };
    return { pass: false, last: `the master lists ${listed.length} relay(s), not ${relayId}` };
  } catch (error) {
    return { pass: false, last: (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message };
  }
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`status ${response.status}`);
  }
  return response.json();
}

/** The status answered, or what went wrong instead. */
export async function probe(url: string): Promise<number | string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    return failureOf(error);
  }
}

/** true when the metric satisfies the condition; otherwise what was seen (its value, absence, or an error). */
export async function probeMetric(url: string, condition: string): Promise<true | string> {
  const { name, where, comparator, limit } = parseMetricCondition(condition);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    if (response.status !== 200) {
      await response.body?.cancel();
      return `status ${response.status}`;
    }
    const value = sumOf(parsePrometheusText(await response.text()), name, where);
    const label = `${name}${Object.keys(where).length ? `{${Object.entries(where).map(([k, v]) => `${k}="${v}"`).join(',')}}` : ''}`;
    if (value === undefined) return `no ${label} samples`;
    return compare(value, comparator, limit) || `${label} = ${value}`;
  } catch (error) {
    return failureOf(error);
  }
}

export function failureOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).name;
}
