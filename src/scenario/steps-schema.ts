/**
 * The `steps:` section: a drill's actions on services (restart the master, roll a bot back to the previous
 * release, pause a relay), each at a time from the start of the load, each followed by checks that the stack
 * recovered. The time from the action to the last passing check is the step's recovery time.
 */
import { z } from 'zod';
import { durationMs, positiveDurationMs } from './duration-schema.ts';
import { atMost, scenarioLimits } from './scenario-limits.ts';
import type { Comparator } from './threshold-expression.ts';

/**
 * `NAME op NUMBER` or `NAME{label="value",...} op NUMBER`: a condition on the sum of a Prometheus metric's samples
 * (those whose labels include the selector's).
 */
export const METRIC_CONDITION = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^{}]*\})?\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export interface MetricCondition {
  name: string;
  /** Label selector: samples must carry these labels with these values. */
  where: Record<string, string>;
  comparator: Comparator;
  limit: number;
}

/** Parses a condition already checked against METRIC_CONDITION. */
export function parseMetricCondition(condition: string): MetricCondition {
  const [, name, selector, comparator, limit] = METRIC_CONDITION.exec(condition)!;
  const where = Object.fromEntries([...(selector ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { name: name!, where, comparator: comparator as Comparator, limit: Number(limit) };
}

/**
 * Recovery judged by an SLI: from the action, windows of `window` are judged against `condition`; the step has
 * recovered at the start of the first of `consecutive` windows in a row that hold.
 */
export const recoveredSchema = z.strictObject({
  sli: z.string().min(1).describe('The SLI judged, e.g. reply_latency.'),
  condition: z.string().min(1).describe('A threshold expression the SLI must meet in each window, e.g. `p(99) < 500`.'),
  window: positiveDurationMs.default(1_000).describe('Length of each judged window.'),
  consecutive: z.number().int().positive().default(3).describe('Windows in a row that must hold.'),
});
export type RecoveredSpec = z.output<typeof recoveredSchema>;

/**
 * A recovery check on a service: `GET path` on the named port answers `status`, or, with `metric`, the
 * Prometheus text at `path` (default /metrics) satisfies the condition.
 */
export const stepCheckSchema = z
  .strictObject({
    service: z.string().min(1).describe('The service to probe (by name).'),
    port: z.string().optional().describe("The service's named port; default its readiness port, else its main port (for `metric`: a port named metrics, if any)."),
    path: z.string().startsWith('/').optional().describe('HTTP path, e.g. /ready; default /metrics with `metric`.'),
    status: z.number().int().min(100).max(599).default(200).describe('The status that means "recovered".'),
    metric: z
      .string()
      .regex(METRIC_CONDITION, { message: 'expected `NAME op NUMBER` or `NAME{label="v"} op NUMBER`, e.g. "websocket_connection_state == 1"' })
      .optional()
      .describe('A condition on the sum of a Prometheus metric, e.g. `websocket_connection_state == 1`.'),
    registeredWith: z
      .string()
      .min(1)
      .optional()
      .describe("Wavry relay check: passes once this master's registry (`GET /v1/relays`) lists the relay's current relay_id (read from the relay's `/health`)."),
  })
  .refine((check) => check.path !== undefined || check.metric !== undefined || check.registeredWith !== undefined, {
    message: 'a check needs `path` (HTTP status), `metric` (Prometheus condition) or `registeredWith` (a relay listed by its master)',
  });
export type StepCheck = z.output<typeof stepCheckSchema>;

export const stepActions = ['restart', 'stop', 'start', 'kill', 'pause', 'resume', 'rollback', 'upgrade'] as const;
export type StepAction = (typeof stepActions)[number];

export const stepSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/i, { message: 'use letters, digits, dot, dash, underscore' })
    .max(scenarioLimits.nameLength, atMost(scenarioLimits.nameLength, 'characters'))
    .optional()
    .describe('Names the step and its phases (`NAME`, then `after-NAME`); default `step-N-ACTION-SERVICE`.'),
  at: durationMs.describe('When the step starts, from the start of the load.'),
  action: z.enum(stepActions).describe(
    'restart (stop or kill, then start), stop (SIGTERM), kill (SIGKILL), start (a stopped service), pause (SIGSTOP / docker pause), resume, rollback or upgrade (restart on `release`).',
  ),
  service: z.string().min(1),
  release: z.string().min(1).optional().describe('restart, start: start this release; rollback, upgrade: required.'),
  kill: z.boolean().default(false).describe('restart, rollback, upgrade: SIGKILL instead of a graceful stop.'),
  down: durationMs.default(0).describe('restart, rollback, upgrade: how long the service stays down between stop and start.'),
  for: positiveDurationMs
    .optional()
    .describe('stop, kill, pause: bring the service back (start or resume) after this long; omitted: it stays down.'),
  checks: z.array(stepCheckSchema).max(scenarioLimits.listEntries, atMost(scenarioLimits.listEntries, 'checks')).default([]).describe('HTTP checks that must pass after the action (recovery).'),
  within: positiveDurationMs.default(30_000).describe('How long the checks (and `recovered`) may take to pass before the step fails.'),
  recovered: recoveredSchema.optional().describe('Recovery judged by an SLI in consecutive windows; with checks, recovery is the later of the two.'),
});
export type StepSpec = z.output<typeof stepSchema>;

/** The phase a step's action opens, and the one that starts once the step recovered. */
export function stepPhaseNames(step: { name?: string | undefined; action: string; service?: string | undefined }, index: number): { during: string; after: string } {
  const during = step.name ?? `step-${index + 1}-${step.action}${step.service ? `-${step.service}` : ''}`;
  return { during, after: `after-${during}` };
}
