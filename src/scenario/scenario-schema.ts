/**
 * The scenario file format, defined once. TypeScript types are inferred from it, the JSON Schema for editors is
 * generated from it (`npm run schema`), and cross-references are checked in `scenario-rules.ts`.
 */
import { z } from 'zod';
import { capacitySchema } from './capacity-schema.ts';
import { compareSchema, rollbackSchema } from './compare-schema.ts';
import { durationMs, positiveDurationMs } from './duration-schema.ts';
import { faultsSchema } from './faults-schema.ts';
import { loadSchema } from './load-schema.ts';
import { methodActionSchema } from './method-schema.ts';
import { rollbacksSchema, rollbackStrategySchema, slosSchema, steadyStateSchema } from './playbook-schema.ts';
import { stepSchema } from './steps-schema.ts';
import { linkSchema, serviceSchema } from './service-schema.ts';
import { workloadSchema } from './workload-schema.ts';
import { atMost, scenarioLimits } from './scenario-limits.ts';

const thresholdEntry = z.union(
  [
    z.string(),
    z.strictObject({
      threshold: z.string(),
      abortOnFail: z.boolean().default(false).describe('Stop the load as soon as this threshold fails (checked once per second).'),
      /** Do not judge abortOnFail before this much load has run. */
      delayAbortEval: durationMs.default(0),
    }),
  ],
  { error: 'expected a threshold expression such as "p(95)<500", or {threshold, abortOnFail, delayAbortEval}' },
);

export const scenarioSchema = z.strictObject({
  version: z.literal(1).default(1).describe('Format version of this file.'),
  name: z.string().max(scenarioLimits.nameLength, atMost(scenarioLimits.nameLength, 'characters')).regex(/^[a-z0-9][a-z0-9._-]*$/i, { message: 'use letters, digits, dot, dash, underscore' }),
  description: z.string().optional(),
  release: z.string().min(1).describe('The release under test; default release of every service.'),
  /** Where services run: local processes (default), containers, or already running. */
  runtime: z.enum(['process', 'docker', 'external']).default('process'),
  seed: z.number().int().nonnegative().max(scenarioLimits.seed, atMost(scenarioLimits.seed, '')).default(1).describe('Seed of every random choice (message mix, jitter, toxicity), recorded in the report for replay.'),
  /** Allow targets outside loopback (127.0.0.0/8, ::1). Off by default: drill refuses other addresses. */
  allowNonLoopback: z.boolean().default(false),
  parallelStart: z
    .boolean()
    .default(false)
    .describe('Start services that do not depend on each other at the same time (each still after the services it depends on or links to); default one after the other.'),
  services: z
    .record(z.string().max(scenarioLimits.nameLength).regex(/^[a-z][a-z0-9-]*$/, { message: 'service names are lower-case letters, digits and dashes' }), serviceSchema)
    .refine((s) => Object.keys(s).length > 0, { message: 'needs at least one service' })
    .refine((s) => Object.keys(s).length <= scenarioLimits.services, atMost(scenarioLimits.services, 'services')),
  links: z.array(linkSchema).max(scenarioLimits.listEntries, atMost(scenarioLimits.listEntries, 'links')).default([]),
  load: loadSchema,
  workload: workloadSchema,
  faults: faultsSchema.default({ server: 'embedded', verify: true, timeline: [] }),
  steps: z.array(stepSchema).max(scenarioLimits.listEntries, atMost(scenarioLimits.listEntries, 'steps')).default([]).describe('Drill steps: actions on services while the load runs, each with recovery checks.'),
  steadyState: steadyStateSchema,
  method: z.array(methodActionSchema).max(scenarioLimits.listEntries, atMost(scenarioLimits.listEntries, 'method')).default([]).describe('Playbook method: the ordered actions, run after the steady state held on the baseline.'),
  rollbacks: rollbacksSchema,
  rollbackStrategy: rollbackStrategySchema,
  slos: slosSchema,
  thresholds: z.record(z.string(), z.array(thresholdEntry).min(1)).default({}).describe('SLI name → threshold expressions (k6 grammar: `p(95)<500`, `rate<0.01`, `count<1`).'),
  rollback: rollbackSchema,
  compare: compareSchema,
  capacity: capacitySchema.optional().describe('How `drill capacity` sweeps the arrival rate, the declared peak and headroom, and what it varies or fails over.'),
  report: z
    .strictObject({
      dir: z.string().default('reports').describe('Folder runs write into; each run gets `<dir>/<scenario>-<timestamp>/`.'),
      /** Time-series bucket for the report timeline. */
      interval: positiveDurationMs
        .refine((ms) => ms >= scenarioLimits.shortestStepMs, { message: `must be at least ${scenarioLimits.shortestStepMs} ms` })
        .default(1_000),
    })
    .default({ dir: 'reports', interval: 1_000 }),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
