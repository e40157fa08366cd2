/**
 * The `capacity:` section: how `drill capacity` sweeps the arrival rate (coarse steps up, then a bisection
 * between the last good and the first bad rate), what it holds each step for, how far it may go, the declared
 * peak it must keep headroom over, and the dimensions and failovers it measures the capacity across.
 */
import { z } from 'zod';
import { durationMs, positiveDurationMs } from './duration-schema.ts';
import { atMost, scenarioLimits } from './scenario-limits.ts';

/** A share: `30%` or a number 0..1 (`0.3`). Always a fraction after parsing. */
const share = z
  .union([z.number(), z.string()], { error: 'expected a percentage such as "30%" or a fraction such as 0.3' })
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `expected a percentage such as "30%", got "${value}"` });
      return z.NEVER;
    }
    return Number(match[1]) / 100;
  })
  .pipe(z.number().min(0, { message: 'must be at least 0 %' }).max(10, { message: 'must be at most 1000 %' }));

const PER_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600 };

/** A rate: `300/s`, `18000/m`, `50/h`, or a number of arrivals per second. Always arrivals per second after parsing. */
const ratePerSecond = z
  .union([z.number(), z.string()], { error: 'expected a rate such as "300/s" or "18000/m", or a number of arrivals per second' })
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const match = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(s|m|h)\s*$/.exec(value);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `expected a rate such as "300/s", "18000/m" or "50/h", got "${value}"` });
      return z.NEVER;
    }
    return Number(match[1]) / PER_UNIT_SECONDS[match[2]!]!;
  })
  .pipe(
    z
      .number()
      .positive({ message: 'must be a positive number of arrivals per second' })
      .max(scenarioLimits.ratePerSecond, atMost(scenarioLimits.ratePerSecond, 'arrivals/s')),
  );

/** `<service>.env.<NAME>`: one capacity per value of a service's environment variable. */
export const VARY_ENV_KEY = /^([a-z][a-z0-9-]*)\.env\.([A-Za-z_][A-Za-z0-9_]*)$/;
/** `replicas.<service>`: one capacity per number of instances of a service (the original and its `scale` replicas). */
export const VARY_REPLICAS_KEY = /^replicas\.([a-z][a-z0-9-]*)$/;

const varyValues = z
  .array(z.union([z.string(), z.number(), z.boolean()]).transform(String))
  .min(2, { message: 'give at least two values to compare' })
  .max(8, { message: 'at most 8 values: each one is a whole sweep' });

export const capacitySchema = z
  .strictObject({
    start: ratePerSecond.default(1).describe('First step: arrivals per second ("5/s", or a number).'),
    factor: z.number().gt(1, { message: 'must be more than 1 (each coarse step multiplies the rate by it)' }).max(10).optional().describe('Coarse steps multiply the rate by this (default 2 unless `increment` is given).'),
    increment: ratePerSecond.optional().describe('Coarse steps add this many arrivals per second instead of multiplying.'),
    max: ratePerSecond.default(1_000).describe('Highest rate tried; a stack that holds it is reported as "at least" this.'),
    hold: positiveDurationMs.default(20_000).describe('How long each step holds its rate after the warm-up; the step is judged on this window only.'),
    warmup: durationMs.default(5_000).describe('How long each step runs before its hold window (not judged).'),
    resolution: share.refine((r) => r > 0 && r < 1, { message: 'must be between 0 % and 100 %' }).default(0.05).describe('The bisection stops once first bad / last good − 1 is at most this.'),
    maxSteps: z.number().int().positive().max(100, atMost(100, 'steps')).default(20).describe('Most steps per sweep; the sweep stops there and says so.'),
    maxDuration: positiveDurationMs.default(900_000).describe('Most time per sweep; the sweep stops there and says so.'),
    lagBound: positiveDurationMs.default(100).describe('Bound on the p99 schedule lag of a step; past it the load generator, not the stack, is the limit.'),
    peak: ratePerSecond.optional().describe('The declared peak the stack must take, arrivals per second ("300/s").'),
    headroom: share.default(0.3).describe('Headroom the capacity must keep over `peak`: capacity ≥ peak × (1 + headroom).'),
    vary: z
      .record(
        z.string().refine((key) => VARY_ENV_KEY.test(key) || VARY_REPLICAS_KEY.test(key), { message: 'expected <service>.env.<NAME> (such as bot.env.WORKER_POOL_SIZE) or replicas.<service>' }),
        varyValues,
      )
      .refine((v) => Object.keys(v).length <= 1, { message: 'vary one dimension at a time' })
      .optional()
      .describe('One capacity per value: `{ bot.env.WORKER_POOL_SIZE: [1, 2, 4, 8] }` or `{ replicas.relay-a: [1, 2] }` (the stack restarts for each value).'),
    failover: z
      .strictObject({ stop: z.array(z.string()).min(1).max(scenarioLimits.services).describe('Services stopped before the failover sweep.') })
      .optional()
      .describe('Also measure the capacity left with these services stopped (part of the pool gone).'),
  })
  .superRefine((c, ctx) => {
    if (c.factor !== undefined && c.increment !== undefined)
      ctx.addIssue({ code: 'custom', path: ['increment'], message: 'give factor or increment, not both' });
    if (c.start > c.max) ctx.addIssue({ code: 'custom', path: ['start'], message: `start (${c.start}/s) is above max (${c.max}/s)` });
  });

export type CapacitySpec = z.output<typeof capacitySchema>;
