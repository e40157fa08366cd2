/**
 * capacity.json, defined once: the capacity of each sweep (one per `vary` value, and the failover one), the steps
 * behind it, the knee of the p99 curve, what saturated first, the headroom over the declared peak and the trend
 * against the previous release's capacity in the history. Its JSON Schema is generated (`drill schema`).
 */
import { z } from 'zod';

export const saturationSignalSchema = z.object({
  /** The service (or `load generator`) the signal belongs to. */
  component: z.string(),
  /** cpu, rss, worker_utilisation, queue_depth, dlq_growth, load_pct, sessions, frames_presented, schedule_lag. */
  signal: z.string(),
  value: z.number(),
  unit: z.string(),
  /** How close to its limit, 0..1 (1 = at the limit); null when the signal has no known limit (RSS, frames). */
  level: z.number().nullable(),
});
export type SaturationSignal = z.infer<typeof saturationSignalSchema>;

export const capacityStepSchema = z.object({
  index: z.number().int(),
  phase: z.enum(['coarse', 'bisect']),
  /** Offered rate, arrivals per second. */
  offered: z.number(),
  /** Arrivals completed (answered, failed or timed out) per second of the hold window. */
  achieved: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** Arrivals dropped (maxVUs in flight) over the whole step. */
  dropped: z.number().int(),
  /** p99 of the schedule lag over the whole step, ms. */
  lagP99Ms: z.number().nullable(),
  pass: z.boolean(),
  /** What broke: `slo` (a threshold), `dropped` (arrivals), `lag` (the generator: lag past the bound while the stack kept up, ≥ 95 % of the offered rate completed, or nothing else failed), `interrupted`; null when it passed. */
  limitedBy: z.enum(['slo', 'dropped', 'lag', 'interrupted']).nullable(),
  /** Each failed check, e.g. `reply_latency p(99)<500 (observed 812.4)`. */
  failures: z.array(z.string()),
  signals: z.array(saturationSignalSchema),
  /** Epoch ms. */
  startedAtMs: z.number(),
  durationMs: z.number(),
});
export type CapacityStep = z.infer<typeof capacityStepSchema>;

export const stopReasons = ['resolved', 'max-rate', 'below-start', 'generator-limit', 'max-steps', 'max-duration', 'interrupted', 'error'] as const;

export const capacitySweepSchema = z.object({
  /** e.g. `WORKER_POOL_SIZE=2`, `all services`, `failover: relay-a stopped`. */
  label: z.string(),
  vary: z.object({ key: z.string(), value: z.string() }).optional(),
  /** Services stopped before this sweep (a failover sweep). */
  stopped: z.array(z.string()),
  /** The highest offered rate whose step met every SLO, arrivals per second; null when none did. */
  capacity: z.number().nullable(),
  /** True when the sweep stopped before finding a failing rate (max rate, generator limit, step or time bound): the capacity is at least this. */
  atLeast: z.boolean(),
  /** The lowest offered rate that broke an SLO, arrivals per second. */
  firstBad: z.number().nullable(),
  stopReason: z.enum(stopReasons),
  stopDetail: z.string(),
  /** Knee of the p99 curve: the lowest step rate after which p99 rises faster than proportionally (and by ≥ 10 %). */
  knee: z.number().nullable(),
  /** Wavry: capacity × session duration, the concurrent sessions the stack holds. */
  concurrentSessions: z.number().nullable(),
  saturated: saturationSignalSchema.extend({ atRate: z.number(), detail: z.string() }).nullable(),
  steps: z.array(capacityStepSchema),
  durationMs: z.number(),
});
export type CapacitySweep = z.infer<typeof capacitySweepSchema>;

export const capacityReportSchema = z.object({
  kind: z.literal('capacity'),
  version: z.literal(1),
  runId: z.string(),
  scenario: z.object({ name: z.string(), file: z.string(), sha256: z.string() }),
  release: z.string(),
  workload: z.string(),
  /** The unit of every rate: messages/s (signal), sessions/s (wavry), requests/s (http). */
  unit: z.string(),
  startedAtMs: z.number(),
  endedAtMs: z.number(),
  interrupted: z.boolean(),
  settings: z.object({
    start: z.number(),
    factor: z.number().nullable(),
    increment: z.number().nullable(),
    max: z.number(),
    holdMs: z.number(),
    warmupMs: z.number(),
    resolution: z.number(),
    maxSteps: z.number(),
    maxDurationMs: z.number(),
    lagBoundMs: z.number(),
    peak: z.number().nullable(),
    headroom: z.number(),
  }),
  sweeps: z.array(capacitySweepSchema),
  /** With `vary`: capacity per value and what each step up gained. */
  scaling: z
    .object({
      key: z.string(),
      points: z.array(
        z.object({
          value: z.string(),
          capacity: z.number().nullable(),
          /** Capacity gained per unit added since the previous value (numeric values only), arrivals/s per unit. */
          gainPerUnit: z.number().nullable(),
          /** gainPerUnit over the first value's capacity per unit: 1 = linear scaling. */
          efficiency: z.number().nullable(),
        }),
      ),
    })
    .nullable(),
  /** Against the declared peak (first sweep, or each with vary). */
  headroom: z
    .object({
      peak: z.number(),
      headroom: z.number(),
      /** peak × (1 + headroom). */
      required: z.number(),
      capacity: z.number().nullable(),
      kept: z.boolean(),
      /** (capacity − required) / required: negative when it misses. */
      margin: z.number().nullable(),
      text: z.string(),
    })
    .nullable(),
  failover: z
    .object({
      stopped: z.array(z.string()),
      capacity: z.number().nullable(),
      /** Share of the full pool's capacity left. */
      retained: z.number().nullable(),
      /** Failover capacity ≥ peak (null without a peak). */
      coversPeak: z.boolean().nullable(),
      text: z.string(),
    })
    .nullable(),
  trend: z
    .object({
      previousRelease: z.string(),
      previousRunId: z.string(),
      previousCapacity: z.number(),
      capacity: z.number().nullable(),
      /** (capacity − previous) / previous. */
      change: z.number().nullable(),
      text: z.string(),
    })
    .nullable(),
  verdict: z.enum(['kept', 'missed', 'found', 'not-found', 'interrupted', 'error']),
  errors: z.array(z.string()),
});
export type CapacityReport = z.infer<typeof capacityReportSchema>;
