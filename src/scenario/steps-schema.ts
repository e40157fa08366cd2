/**
 * The `steps:` section: a drill's actions on services (restart the master, roll a bot back to the previous
 * release, pause a relay), each at a time from the start of the load, each followed by checks that the stack
 * recovered. The time from the action to the last passing check is the step's recovery time.
 */
import { z } from 'zod';
import { durationMs, positiveDurationMs } from './duration-schema.ts';
import { atMost, scenarioLimits } from './scenario-limits.ts';

/** `NAME op NUMBER`: a condition on the sum of a Prometheus metric's samples. */
export const METRIC_CONDITION = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

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
      .regex(METRIC_CONDITION, { message: 'expected `NAME op NUMBER`, e.g. "websocket_connection_state == 1"' })
      .optional()
      .describe('A condition on the sum of a Prometheus metric, e.g. `websocket_connection_state == 1`.'),
  })
  .refine((check) => check.path !== undefined || check.metric !== undefined, { message: 'a check needs `path` (HTTP status) or `metric` (Prometheus condition)' });
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
  within: positiveDurationMs.default(30_000).describe('How long the checks may take to pass before the step fails.'),
});
export type StepSpec = z.output<typeof stepSchema>;

/** The phase a step's action opens, and the one that starts once the step recovered. */
export function stepPhaseNames(step: StepSpec, index: number): { during: string; after: string } {
  const during = step.name ?? `step-${index + 1}-${step.action}-${step.service}`;
  return { during, after: `after-${during}` };
}
