/** The `load:` section: k6's open-model executors. Rates are arrivals per `timeUnit`. */
import { z } from 'zod';
import { positiveDurationMs } from './duration-schema.ts';

const rate = z.number().nonnegative().meta({ description: 'Arrivals per timeUnit.' });
const maxVUs = z.number().int().positive().default(1_000).meta({
  description: 'Most arrivals in flight at once. An arrival due while this many are in flight is dropped and counted (dropped_arrivals), as k6 drops iterations.',
});
const timeUnit = positiveDurationMs.default(1_000);

export const constantArrivalRate = z.strictObject({
  executor: z.literal('constant-arrival-rate'),
  rate: rate.refine((r) => r > 0, { message: 'must be a positive number of arrivals per timeUnit, got 0' }),
  timeUnit,
  duration: positiveDurationMs,
  maxVUs,
  gracefulStop: positiveDurationMs.default(10_000).describe('Time after the last arrival to wait for answers still in flight.'),
});

export const rampingArrivalRate = z.strictObject({
  executor: z.literal('ramping-arrival-rate'),
  startRate: rate.default(0),
  timeUnit,
  stages: z
    .array(z.strictObject({ target: rate, duration: positiveDurationMs }))
    .min(1, { message: 'needs at least one stage {target, duration}' }),
  maxVUs,
  gracefulStop: positiveDurationMs.default(10_000),
});

export const loadSchema = z.discriminatedUnion('executor', [constantArrivalRate, rampingArrivalRate]);
export type LoadSpec = z.output<typeof loadSchema>;
