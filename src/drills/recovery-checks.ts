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
    const path = check.path ?? '/metrics';
    const url = urlOf(binding, path);
    const target = `${check.service} ${check.metric ? `${check.metric.trim()} at ${path}` : `GET ${path} → ${check.status}`}`;
    return { check, url, outcome: { target } as CheckOutcome };
  });
  for (;;) {
    await Promise.all(
      outcomes
        .filter((o) => o.outcome.passedAfterMs === undefined)
        .map(async (o) => {
          const seen = o.check.metric ? await probeMetric(o.url, o.check.metric) : await probe(o.url);
          if (seen === (o.check.metric ? true : o.check.status)) {
            o.outcome.passedAfterMs = Date.now() - startedAtMs;
            delete o.outcome.last;
          } else o.outcome.last = typeof seen === 'number' ? `status ${seen}` : String(seen);
        }),
    );
    if (outcomes.every((o) => o.outcome.passedAfterMs !== undefined)) break;
    if (Date.now() + POLL_INTERVAL_MS > deadlineMs || signal?.aborted) break;
    await sleep(POLL_INTERVAL_MS);
  }
  return outcomes.map((o) => o.outcome);
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
