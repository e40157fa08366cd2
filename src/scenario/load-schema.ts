/** The `load:` section: k6's open-model executors. Rates are arrivals per `timeUnit`. */
import { z } from 'zod';
import { positiveDurationMs } from './duration-schema.ts';
import { atMost, scenarioLimits } from './scenario-limits.ts';

const rate = z.number().nonnegative().meta({ description: 'Arrivals per timeUnit.' });
const maxVUs = z.number().int().positive().max(scenarioLimits.maxVUs, atMost(scenarioLimits.maxVUs, 'arrivals in flight')).default(1_000).meta({
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
    .min(1, { message: 'needs at least one stage {target, duration}' })
    .max(scenarioLimits.listEntries, atMost(scenarioLimits.listEntries, 'stages')),
  maxVUs,
  gracefulStop: positiveDurationMs.default(10_000),
});

/** Arrivals per second of every rate the load names, each at most `scenarioLimits.ratePerSecond`. */
function checkRates(load: z.output<typeof constantArrivalRate> | z.output<typeof rampingArrivalRate>, ctx: z.RefinementCtx): void {
  const perSecond = (rate: number) => (rate * 1_000) / load.timeUnit;
  const rates: [(string | number)[], number][] =
    load.executor === 'constant-arrival-rate'
      ? [[['rate'], load.rate]]
      : [[['startRate'], load.startRate], ...load.stages.map((s, i): [(string | number)[], number] => [['stages', i, 'target'], s.target])];
  for (const [path, rate] of rates) {
    if (perSecond(rate) > scenarioLimits.ratePerSecond) {
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${rate} arrivals per ${load.timeUnit} ms is ${perSecond(rate).toLocaleString('en-US')}/s; drill drives at most ${scenarioLimits.ratePerSecond.toLocaleString('en-US')} arrivals/s`,
      });
    }
  }
}

export const loadSchema = z.discriminatedUnion('executor', [constantArrivalRate, rampingArrivalRate]).superRefine(checkRates);
export type LoadSpec = z.output<typeof loadSchema>;
