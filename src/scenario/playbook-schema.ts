/**
 * The playbook keys of a scenario besides `method:`: the steady-state hypothesis, the rollbacks and when they run,
 * and the SLO targets whose error budget the report accounts for.
 */
import { z } from 'zod';
import { methodActionSchema } from './method-schema.ts';
import { probeSchema } from './probe-schema.ts';

export const steadyStateSchema = z
  .array(probeSchema)
  .default([])
  .describe('Probes that must hold before the method (on the baseline) and after it (on the final phase); abortOnFail ones also while it runs.');

export const rollbacksSchema = z.array(methodActionSchema).default([]).describe('Actions that restore the stack once the method is over (or stopped).');

export const rollbackStrategySchema = z
  .enum(['always', 'deviated'])
  .default('always')
  .describe('always: rollbacks run whenever the method started; deviated: only when the drill did not pass (deviation, failed step, abort, interrupt).');

export const sloSchema = z.strictObject({
  sli: z.string().min(1).describe('A rate SLI whose counted events are bad ones (http_req_failed, replies_missing, handshake_failures, …).'),
  objective: z.number().gt(0).lt(1).describe('Share of events that must be good, e.g. 0.99: the budget is the other 1 %.'),
});
export type SloSpec = z.output<typeof sloSchema>;

export const slosSchema = z
  .array(sloSchema)
  .optional()
  .describe('SLO targets for the error budget; default per workload: http_req_failed 0.99, replies_missing 0.99, handshake_failures 0.98.');
