/**
 * report.json, version 1. Defined once here; the TypeScript types are inferred from it and
 * `schema/report.schema.json` is generated from it. Times are epoch ms (`...AtMs`) or ms offsets from the
 * start of the load (`tMs`, `startMs`, `endMs`). Histograms are stored encoded so later runs can merge and
 * compare them.
 */
import { z } from 'zod';

export const REPORT_SCHEMA_VERSION = 'drill.report/v1';

export const serializedHistogramSchema = z.object({
  encoding: z.literal('hdr-base64'),
  /** Unit of values after dividing the recorded integers by `scale`. */
  unit: z.string(),
  /** Recorded integer = value × scale (e.g. microseconds for a ms histogram: scale 1000). */
  scale: z.number(),
  lowest: z.number(),
  highest: z.number(),
  significantDigits: z.number(),
  count: z.number(),
  /** HdrHistogram compressed V2 encoding, base64. */
  data: z.string(),
});
export type SerializedHistogram = z.infer<typeof serializedHistogramSchema>;

/** One SLI over one window; which fields are set depends on `kind`. */
export const sliValueSchema = z.object({
  kind: z.enum(['trend', 'rate', 'counter', 'gauge']),
  unit: z.string(),
  /** trend: samples; rate: bad events; counter: the count. */
  count: z.number().optional(),
  /** rate: events judged (the denominator). */
  total: z.number().optional(),
  /** rate: bad/total (0..1); counter: count per second of the window. */
  rate: z.number().optional(),
  /** gauge: last sample. */
  value: z.number().optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  avg: z.number().optional(),
  /** trend: percentiles by name (`p50`, `p90`, `p95`, `p99`, `p99.9`). */
  percentiles: z.record(z.string(), z.number()).optional(),
  /** Name of the histogram in `histograms` (trend only). */
  histogram: z.string().optional(),
});
export type SliValue = z.infer<typeof sliValueSchema>;

export const phaseSchema = z.object({
  name: z.string(),
  startMs: z.number(),
  endMs: z.number(),
  slis: z.record(z.string(), sliValueSchema),
});
export type PhaseReport = z.infer<typeof phaseSchema>;

export const thresholdResultSchema = z.object({
  sli: z.string(),
  expression: z.string(),
  /** The phase judged; `run` is the whole load. */
  phase: z.string(),
  observed: z.number().nullable(),
  pass: z.boolean(),
  abortOnFail: z.boolean(),
  /** Why there is no observed value, if none. */
  note: z.string().optional(),
});
export type ThresholdResult = z.infer<typeof thresholdResultSchema>;

export const timelineEventSchema = z.object({
  tMs: z.number(),
  atMs: z.number(),
  /** `service` (runtime actions), `fault`, `drill`, `load`, `threshold`, `harness`. */
  source: z.string(),
  type: z.string(),
  target: z.string().optional(),
  detail: z.string().optional(),
  /** Measured effect of a fault, verified before it counted. */
  measured: z.record(z.string(), z.number()).optional(),
});
export type TimelineEvent = z.infer<typeof timelineEventSchema>;

/** One drill step: what was done to which service, and whether (and how fast) the stack recovered. */
export const stepResultSchema = z.object({
  name: z.string(),
  action: z.string(),
  service: z.string(),
  /** The release started by the step (restart on a release, rollback, upgrade). */
  release: z.string().optional(),
  /** When the action started: epoch ms, and offset from the start of the load. */
  atMs: z.number(),
  tMs: z.number(),
  /** Action start → every check passed (and the service ready again), ms; absent when it did not recover. */
  recoveryMs: z.number().optional(),
  pass: z.boolean(),
  checks: z.array(
    z.object({
      target: z.string(),
      /** Action start → this check first passed, ms. */
      passedAfterMs: z.number().optional(),
      /** The last answer seen while it did not pass (status or error). */
      last: z.string().optional(),
    }),
  ),
  /** Why the step failed, if it did. */
  error: z.string().optional(),
  /** What the action answered: an http call's status, an exec's exit code and output, a scale's replicas. */
  detail: z.string().optional(),
  /** Recovery judged by an SLI (`recovered:`): the SLI in each window around the action (the recovery curve). */
  sliRecovery: z
    .object({
      sli: z.string(),
      condition: z.string(),
      windowMs: z.number(),
      consecutive: z.number(),
      /** Action start → the first of the consecutive windows that held, ms; absent when it never did. */
      recoveredAfterMs: z.number().optional(),
      /** Windows from before the action to the end of the step's judgement; `startMs`, `endMs` from the start of the load. */
      curve: z.array(z.object({ startMs: z.number(), endMs: z.number(), observed: z.number().nullable(), pass: z.boolean() })),
    })
    .optional(),
});
export type StepResult = z.infer<typeof stepResultSchema>;

/** One run of a steady-state probe. */
export const probeResultSchema = z.object({
  name: z.string(),
  kind: z.enum(['sli', 'http', 'metric']),
  pass: z.boolean(),
  /** What the probe saw, in words (status, metric value, the SLI over its window). */
  observed: z.string(),
  /** The observed number, when there is one. */
  value: z.number().nullable().optional(),
  atMs: z.number(),
  tMs: z.number(),
});
export type ProbeResult = z.infer<typeof probeResultSchema>;

/** Why the verdict is what it is: each deviation, failed step, breach, abort or error, named with when and what was seen. */
export const verdictReasonSchema = z.object({
  /** `not-steady`, `deviated`, `step-failed`, `threshold`, `aborted`, `interrupted`, `rollback-failed`, `error`. */
  code: z.string(),
  message: z.string(),
  tMs: z.number().optional(),
  observed: z.string().optional(),
});
export type VerdictReason = z.infer<typeof verdictReasonSchema>;

/** The error budget one SLO allows over a window (a phase, or the run), and how much of it the drill spent. */
export const budgetWindowSchema = z.object({
  phase: z.string(),
  /** Events judged, and the bad (failed or missing) ones. */
  total: z.number(),
  bad: z.number(),
  /** Bad events the SLO allows over the window: total × (1 − objective). */
  allowed: z.number(),
  /** bad / allowed: 1 is the whole budget; null when nothing was judged. */
  consumed: z.number().nullable(),
});

export const errorBudgetSchema = z.object({
  sli: z.string(),
  objective: z.number(),
  run: budgetWindowSchema,
  phases: z.array(budgetWindowSchema),
});
export type ErrorBudget = z.infer<typeof errorBudgetSchema>;

/** A service's effective configuration: secrets redacted, reserved ports and the run folder as `${port}` and `${runDir}`. */
export const serviceConfigSchema = z.object({
  release: z.string(),
  /** `fixture:NAME`, `command:ARGV`, `image:REF` or `external:URL`. */
  source: z.string(),
  image: z.string().optional(),
  /** The engine's id of the image (`sha256:…`) the container ran, on the container runtime. */
  imageId: z.string().optional(),
  env: z.record(z.string(), z.string()),
  /** The fixture's release profile (`fixtures/<name>/releases/<release>.json`). */
  profile: z.record(z.string(), z.unknown()).optional(),
});

export const reportSchema = z.object({
  schema: z.literal(REPORT_SCHEMA_VERSION),
  runId: z.string(),
  drillVersion: z.string(),
  scenario: z.object({ name: z.string(), file: z.string(), sha256: z.string(), description: z.string().optional() }),
  /** Release under test. */
  release: z.string(),
  runtime: z.string(),
  seed: z.number(),
  startedAtMs: z.number(),
  endedAtMs: z.number(),
  /** pass: every threshold and probe held and every drill step recovered; fail: one did not; not-steady: the steady state did not hold before the method (nothing was done); aborted: abortOnFail stopped the load or the method; interrupted: SIGINT/SIGTERM; error: the harness failed. */
  verdict: z.enum(['pass', 'fail', 'not-steady', 'aborted', 'interrupted', 'error']),
  /** Why: every deviation, failed step, breached threshold, abort or error (empty on pass). */
  reasons: z.array(verdictReasonSchema).default([]),
  services: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      release: z.string(),
      source: z.string(),
      ports: z.record(z.string(), z.number()),
      cpuSeconds: z.number().optional(),
      rssBytes: z.number().optional(),
      /** Effective configuration, compared by `drill compare` (configuration drift). */
      config: serviceConfigSchema.optional(),
    }),
  ),
  load: z.object({
    executor: z.string(),
    /** Arrivals per second the schedule asked for, averaged over the schedule. */
    targetRate: z.number(),
    achievedRate: z.number(),
    arrivals: z.number(),
    scheduled: z.number(),
    dropped: z.number(),
    durationMs: z.number(),
  }),
  /** SLIs over the whole load. */
  slis: z.record(z.string(), sliValueSchema),
  /** SLIs per phase (drills add baseline/inject/recover/verify; a plain run has one phase, `run`). */
  phases: z.array(phaseSchema),
  thresholds: z.array(thresholdResultSchema),
  /** Drill steps in the order they ran (none for a plain run); a step that did not recover fails the run. */
  steps: z.array(stepResultSchema).default([]),
  /** The steady-state hypothesis: each probe before the method, after it, and the breaches of abortOnFail probes during it. */
  steadyState: z
    .object({ before: z.array(probeResultSchema), during: z.array(probeResultSchema), after: z.array(probeResultSchema) })
    .optional(),
  /** Rollback actions as they ran (none when none were due), and the strategy that decided it. */
  rollbacks: z.array(stepResultSchema).default([]),
  rollbackStrategy: z.enum(['always', 'deviated']).optional(),
  /** Error budget per SLO target: over the run and per phase. */
  errorBudget: z.array(errorBudgetSchema).default([]),
  /**
   * Signal: the messages answered more than once (the oracle saw a second reply quoting them), each as
   * `recipient|timestamp` with its number of replies; at most 1,000. Absent for other workloads.
   */
  duplicateReplies: z.array(z.object({ message: z.string(), replies: z.number() })).optional(),
  histograms: z.record(z.string(), serializedHistogramSchema),
  /** Time series, one row per interval: `columns[0]` is `tMs`. */
  series: z.object({ intervalMs: z.number(), columns: z.array(z.string()), rows: z.array(z.array(z.number().nullable())) }),
  timeline: z.array(timelineEventSchema),
  errors: z.array(z.string()),
});
export type Report = z.infer<typeof reportSchema>;
