/**
 * A playbook's `method:` (and `rollbacks:`): the ordered actions of a runbook. Process actions are today's
 * drill steps (restart, stop, kill, start, pause, resume, rollback, upgrade); the others call a service's API
 * (`http`), run a command (`exec`), change the number of replicas (`scale`), wait for a probe (`wait-until`),
 * inject a fault for a while (`fault`), and hold or release the load (`pause-load`, `resume-load`).
 * Every action may carry recovery checks (`checks`, `recovered`) bounded by `within`.
 */
import { z } from 'zod';
import { durationMs, positiveDurationMs } from './duration-schema.ts';
import { faultSchema, type FaultSpec } from './faults-schema.ts';
import { probeSchema } from './probe-schema.ts';
import { recoveredSchema, stepActions, stepCheckSchema, stepSchema } from './steps-schema.ts';

const jsonBody = z.json().describe('Sent as JSON (content-type application/json).');

/** Fields every action has: its name, when it may start, and how its recovery is judged. */
const common = {
  name: stepSchema.shape.name,
  at: durationMs
    .optional()
    .describe('Start no earlier than this, from the start of the load; default right after the action before it (rollbacks: ignored).'),
  checks: z.array(stepCheckSchema).default([]).describe('HTTP or metric checks that must pass after the action (recovery).'),
  within: positiveDurationMs.default(30_000).describe('How long the action, its checks and `recovered` may take before the action fails.'),
  recovered: recoveredSchema.optional(),
};

const processAction = z.strictObject({
  ...common,
  action: z.enum(stepActions).describe(stepSchema.shape.action.description ?? ''),
  service: stepSchema.shape.service,
  release: stepSchema.shape.release,
  kill: stepSchema.shape.kill,
  down: stepSchema.shape.down,
  for: stepSchema.shape.for,
});

const httpAction = z.strictObject({
  ...common,
  action: z.literal('http'),
  service: z.string().min(1).describe('The service called (by name).'),
  port: z.string().optional().describe("Named port; default the service's readiness port, else its first."),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z.string().startsWith('/', { message: 'expected a path starting with "/"' }),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe('Request headers; `${env.NAME}` is the service\'s environment variable, e.g. "Bearer ${env.ADMIN_PANEL_TOKEN}"; `${vars.NAME}` a captured value.'),
  body: jsonBody.optional().describe('Sent as JSON; `${env.NAME}` and `${vars.NAME}` expand in its strings (and in `path`).'),
  status: z.number().int().min(100).max(599).default(200).describe('The status expected; another fails the action.'),
  capture: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string().min(1))
    .default({})
    .describe('Names → dotted paths into the JSON answer (`0.relay_id`); later actions use them as `${vars.NAME}`.'),
});

const execAction = z.strictObject({
  ...common,
  action: z.literal('exec'),
  service: z.string().min(1).describe('Runs in this service\'s folder (process runtime), with its environment.'),
  argv: z.array(z.string()).min(1).describe('The command and its arguments (never a shell string); `${env.NAME}` expands.'),
  exitCode: z.number().int().default(0).describe('The exit code expected; another fails the action.'),
  timeout: positiveDurationMs.default(30_000).describe('The command is killed after this long, failing the action.'),
});

const scaleAction = z.strictObject({
  ...common,
  action: z.literal('scale'),
  service: z.string().min(1).describe('The service scaled; replicas are named SERVICE-2, SERVICE-3, … each with its own ports, logs and folder.'),
  replicas: z.number().int().positive().max(16).describe('How many instances, the original included: 2 adds one, 1 removes every replica.'),
});

const waitUntilAction = z.strictObject({
  ...common,
  action: z.literal('wait-until'),
  probe: probeSchema.describe('Waits until this probe holds.'),
  timeout: positiveDurationMs.default(30_000).describe('Fails the action when the probe has not held by then.'),
});

/** The timeline's faults without `at`: a fault action starts when it runs. */
type FaultOption = z.ZodObject<{ type: z.ZodLiteral<string>; link: z.ZodString; for: z.ZodOptional<z.ZodType<number>> }, z.core.$strict>;
const stepFaultSchema = z.discriminatedUnion(
  'type',
  faultSchema.options.map((option) => (option as unknown as z.ZodObject<z.ZodRawShape, z.core.$strict>).omit({ at: true })) as unknown as [FaultOption, ...FaultOption[]],
);

const faultAction = z.strictObject({
  ...common,
  action: z.literal('fault'),
  fault: stepFaultSchema.describe('A fault of the `faults.timeline` vocabulary without `at` (type, link, attributes, `for`); omitted `for`: until the end of the run.'),
});

const loadAction = (name: 'pause-load' | 'resume-load', description: string) => z.strictObject({ ...common, action: z.literal(name) }).describe(description);

export const methodActionSchema = z.discriminatedUnion('action', [
  processAction,
  httpAction,
  execAction,
  scaleAction,
  waitUntilAction,
  faultAction,
  loadAction('pause-load', 'Stop starting arrivals (they are skipped, not queued), e.g. before replaying a DLQ.'),
  loadAction('resume-load', 'Start arrivals again on the schedule.'),
]);
export type MethodAction = z.output<typeof methodActionSchema>;
export type MethodActionName = MethodAction['action'];
export type ProcessAction = Extract<MethodAction, { action: (typeof stepActions)[number] }>;

/** A fault action's fault as the timeline runs it (`at` 0: the moment the action runs). */
export function stepFault(action: Extract<MethodAction, { action: 'fault' }>): FaultSpec {
  return { ...action.fault, at: 0 } as FaultSpec;
}

/** The service an action acts on, if any. */
export function actionService(action: MethodAction): string | undefined {
  return 'service' in action ? action.service : undefined;
}

/** The method a scenario runs: `method:`, or else its `steps:` (each a process action at its time). */
export function playbookMethod(scenario: { method: MethodAction[]; steps: z.output<typeof stepSchema>[] }): MethodAction[] {
  return scenario.method.length > 0 ? scenario.method : scenario.steps;
}
