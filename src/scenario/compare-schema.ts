/**
 * How `drill compare`, `drill gate` and `drill canary` judge a candidate against the baseline: rollback
 * thresholds (top-level `rollback:`, in operators' words) and the `compare:` block (weights, critical SLIs,
 * effect-size floors, significance, score cut-offs).
 */
import { z } from 'zod';
import { parseRollbackRule, type RollbackRule } from './rollback-expression.ts';

export const rollbackSchema = z
  .array(
    z.string().transform((source, ctx): RollbackRule => {
      const rule = parseRollbackRule(source);
      if (typeof rule === 'string') {
        ctx.addIssue({ code: 'custom', message: rule });
        return z.NEVER;
      }
      return rule;
    }),
  )
  .default([])
  .describe('Rollback thresholds relative to the baseline release, e.g. "reply_latency p(95) > 2x baseline", "handshake_failures > baseline + 1pt".');

export const sliJudgementSchema = z.strictObject({
  /** Share of the score this SLI carries (default 1; 0 reports it without judging it). */
  weight: z.number().nonnegative().optional(),
  /** A High or Low of a critical SLI fails the comparison (default: SLIs named in `thresholds` or `rollback`). */
  critical: z.boolean().optional(),
  /** Smallest difference that counts, in the SLI's unit (ms; a share 0..1 for rates; a count per run for counters). */
  floor: z.number().nonnegative().optional(),
  /** Smallest difference that counts, as a fraction of the baseline value (0.1 = 10 %); the larger of both floors applies. */
  floorRatio: z.number().nonnegative().optional(),
  /** Trends: smallest |A − 0.5| of the rank test that counts, A = P(candidate > baseline) (default 0.21: A ≥ 0.71 or ≤ 0.29). */
  rankEffect: z.number().min(0).max(0.5).optional(),
  /** Which change is bad (default from the SLI's meaning: latency and failures up, successes down). */
  direction: z.enum(['increase', 'decrease', 'either', 'none']).optional(),
});
export type SliJudgement = z.output<typeof sliJudgementSchema>;

export const compareSchema = z
  .strictObject({
    slis: z.record(z.string(), sliJudgementSchema).default({}),
    /** Significance level of every test, and 1 − the level of every interval. */
    alpha: z.number().gt(0).lt(0.5).default(0.01),
    /** Fewer samples (trend values, judged events) than this on either side: cannot-judge. */
    minSamples: z.number().int().positive().default(20),
    /** Score (0–100) at or above which the verdict is Pass, and at or above which Marginal. */
    passScore: z.number().min(0).max(100).default(95),
    marginalScore: z.number().min(0).max(100).default(75),
    /** Bootstrap resamples of each p95/p99 interval. */
    resamples: z.number().int().min(100).default(1_000),
  })
  .default({ slis: {}, alpha: 0.01, minSamples: 20, passScore: 95, marginalScore: 75, resamples: 1_000 });
export type CompareSettings = z.output<typeof compareSchema>;
