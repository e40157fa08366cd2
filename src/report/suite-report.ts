/**
 * The monthly suite report (`drill.suite/v1`): per drill its verdict, duration, recovery times, error budget and
 * SLIs per phase, and the month-over-month trend built from the earlier suite reports kept beside it (plain JSON
 * files under `reports/monthly/`, diffable in git). Defined once here; the JSON Schema is generated from it.
 */
import { z } from 'zod';
import type { Report, SliValue } from './report-schema.ts';

export const SUITE_SCHEMA_VERSION = 'drill.suite/v1';

export const suiteDrillSchema = z.object({
  name: z.string(),
  file: z.string(),
  /** The drill's verdict; `not-run` when the suite stopped before it. */
  verdict: z.enum(['pass', 'fail', 'not-steady', 'aborted', 'interrupted', 'error', 'not-run']),
  exitCode: z.number().optional(),
  runId: z.string().optional(),
  /** The run folder, relative to the suite report's folder. */
  runDir: z.string().optional(),
  /** Start of the stack to its teardown, ms. */
  durationMs: z.number().optional(),
  reasons: z.array(z.string()).default([]),
  /** Recovery time of each method step (absent: it did not recover). */
  recoveries: z.array(z.object({ step: z.string(), recoveryMs: z.number().optional(), pass: z.boolean() })).default([]),
  /** Error budget consumed over the load per SLO (1 = all of it; null when nothing was judged). */
  errorBudget: z.array(z.object({ sli: z.string(), objective: z.number(), consumed: z.number().nullable() })).default([]),
  /** Per phase, per SLI, the headline figure: p99 of a trend, rate of a rate, count of a counter, last value of a gauge. */
  phases: z.record(z.string(), z.record(z.string(), z.number().nullable())).default({}),
});
export type SuiteDrill = z.infer<typeof suiteDrillSchema>;

export const trendPointSchema = z.object({
  suiteId: z.string(),
  startedAtMs: z.number(),
  release: z.string(),
  verdict: z.string(),
  drills: z.record(z.string(), z.object({ verdict: z.string(), durationMs: z.number().nullable(), recoveryMs: z.number().nullable(), budgetConsumed: z.number().nullable() })),
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const suiteReportSchema = z.object({
  schema: z.literal(SUITE_SCHEMA_VERSION),
  suiteId: z.string(),
  release: z.string(),
  runtime: z.string(),
  startedAtMs: z.number(),
  endedAtMs: z.number(),
  /** pass: every drill passed; fail: one did not; interrupted: a signal stopped the suite (drills not run are listed). */
  verdict: z.enum(['pass', 'fail', 'interrupted']),
  drills: z.array(suiteDrillSchema),
  /** One point per suite report found under the folder, oldest first; the last is this suite. */
  trend: z.array(trendPointSchema),
});
export type SuiteReport = z.infer<typeof suiteReportSchema>;

function headline(value: SliValue): number | null {
  switch (value.kind) {
    case 'trend':
      return value.percentiles?.p99 ?? null;
    case 'rate':
      return value.rate ?? null;
    case 'counter':
      return value.count ?? null;
    case 'gauge':
      return value.value ?? null;
  }
}

/** A drill's line in the suite report, from its run report. */
export function suiteDrillOf(name: string, file: string, report: Report, exitCode: number, runDir: string): SuiteDrill {
  return {
    name,
    file,
    verdict: report.verdict,
    exitCode,
    runId: report.runId,
    runDir,
    durationMs: report.endedAtMs - report.startedAtMs,
    reasons: report.reasons.map((r) => `${r.message}${r.observed ? ` (observed ${r.observed})` : ''}`),
    recoveries: report.steps.map((s) => ({ step: s.name, ...(s.recoveryMs !== undefined ? { recoveryMs: s.recoveryMs } : {}), pass: s.pass })),
    errorBudget: report.errorBudget.map((b) => ({ sli: b.sli, objective: b.objective, consumed: b.run.consumed })),
    phases: Object.fromEntries(report.phases.map((p) => [p.name, Object.fromEntries(Object.entries(p.slis).map(([sli, v]) => [sli, headline(v)]))])),
  };
}

/** The trend point a suite contributes. */
export function trendPointOf(suite: Omit<SuiteReport, 'trend'>): TrendPoint {
  return {
    suiteId: suite.suiteId,
    startedAtMs: suite.startedAtMs,
    release: suite.release,
    verdict: suite.verdict,
    drills: Object.fromEntries(
      suite.drills.map((d) => {
        const recoveries = d.recoveries.map((r) => r.recoveryMs).filter((ms) => ms !== undefined);
        const budgets = d.errorBudget.map((b) => b.consumed).filter((c) => c !== null);
        return [d.name, { verdict: d.verdict, durationMs: d.durationMs ?? null, recoveryMs: recoveries.length ? Math.max(...recoveries) : null, budgetConsumed: budgets.length ? Math.max(...budgets) : null }];
      }),
    ),
  };
}
