import { z } from 'zod';
import { parseDuration } from '../common/duration.ts';
import { atMost, scenarioLimits } from './scenario-limits.ts';

/** A duration in a scenario: a string such as "30s", "250ms", "1m30s", or a number of milliseconds. Always milliseconds after parsing. */
export const durationMs = z
  .union([z.number().nonnegative(), z.string()], { error: 'expected a duration such as "250ms", "30s", "5m" or "1m30s", or a number of milliseconds' })
  .transform((value, ctx) => {
    if (typeof value === 'number') return value;
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as "250ms", "30s", "5m" or "1m30s" (units us, ms, s, m, h), got "${value}"`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .pipe(z.number().max(scenarioLimits.durationMs, atMost(scenarioLimits.durationMs, 'ms (24.8 days, the longest timer Node keeps)')))
  .meta({ description: 'Duration: "250ms", "30s", "5m", "1h", "1m30s", or a number of milliseconds.' });

export const positiveDurationMs = durationMs.refine((ms) => ms > 0, { message: 'must be longer than 0' });
