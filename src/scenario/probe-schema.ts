/**
 * Probes of a playbook's steady state (and of `wait-until`): an SLI over a sliding window of the run's recorded
 * outcomes, an HTTP request to a service, or a Prometheus condition on a service's `/metrics`. A probe holds
 * or deviates; what it observed is kept either way.
 */
import { z } from 'zod';
import { positiveDurationMs } from './duration-schema.ts';
import { METRIC_CONDITION } from './steps-schema.ts';

const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const httpProbeSchema = z.strictObject({
  service: z.string().min(1).describe('The service to ask (by name).'),
  port: z.string().optional().describe("Named port; default the service's readiness port, else its first."),
  method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
  path: z.string().startsWith('/', { message: 'expected a path starting with "/", such as "/ready"' }),
  status: z.number().int().min(100).max(599).default(200).describe('The status that means the probe holds.'),
  json: z
    .strictObject({
      field: z.string().min(1).describe('Dotted path into the JSON body, e.g. `relays.0.state`.'),
      equals: jsonValue.describe('The value the field must have.'),
    })
    .optional()
    .describe('Also require a field of the JSON body to equal a value.'),
});
export type HttpProbeSpec = z.output<typeof httpProbeSchema>;

export const metricProbeSchema = z.strictObject({
  service: z.string().min(1),
  port: z.string().optional().describe("Named port; default the service's `metrics` port, else its readiness port."),
  path: z.string().startsWith('/').default('/metrics'),
  condition: z
    .string()
    .regex(METRIC_CONDITION, { message: 'expected `NAME op NUMBER` or `NAME{label="v"} op NUMBER`, e.g. "dead_letter_queue_depth == 0"' })
    .describe('A condition on the sum of the matching samples: `dead_letter_queue_depth == 0`, `relay_sessions{state="active"} >= 1`.'),
});
export type MetricProbeSpec = z.output<typeof metricProbeSchema>;

export const probeSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('Names the probe in the report; default a description of it.'),
    sli: z.string().min(1).optional().describe('SLI probe: the SLI judged over the last `over` of recorded outcomes.'),
    condition: z
      .string()
      .optional()
      .describe('SLI probe: a threshold expression, e.g. `p(99) < 800` or `rate >= 0.98`, or one relative to the baseline phase, e.g. `p(95) < 2x baseline`, `count <= baseline`.'),
    over: positiveDurationMs.default(10_000).describe('SLI probe: the sliding window judged, ending when the probe runs.'),
    http: httpProbeSchema.optional().describe('HTTP probe: the request and the answer that means the probe holds.'),
    metric: metricProbeSchema.optional().describe('Prometheus probe on a service.'),
    abortOnFail: z
      .boolean()
      .default(false)
      .describe('Also judge the probe continuously while the method runs; its first breach stops the method and runs the rollbacks (verdict aborted).'),
    interval: positiveDurationMs.default(1_000).describe('abortOnFail: how often the probe runs during the method.'),
  })
  .superRefine((probe, ctx) => {
    const kinds = (['sli', 'http', 'metric'] as const).filter((key) => probe[key] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `a probe has exactly one of sli, http or metric${kinds.length ? `, got ${kinds.join(' and ')}` : ''}` });
    }
    if (probe.sli !== undefined && probe.condition === undefined) ctx.addIssue({ code: 'custom', path: ['condition'], message: 'an SLI probe needs `condition`, e.g. "p(99) < 800"' });
    if (probe.sli === undefined && probe.condition !== undefined) ctx.addIssue({ code: 'custom', path: ['condition'], message: '`condition` belongs to an SLI probe (with `sli`); a metric probe has `metric.condition`' });
  });
export type ProbeSpec = z.output<typeof probeSchema>;

/** How the report names a probe. */
export function probeLabel(probe: ProbeSpec): string {
  if (probe.name) return probe.name;
  if (probe.sli) return `${probe.sli} ${probe.condition} over ${probe.over} ms`;
  if (probe.http) return `${probe.http.service} ${probe.http.method} ${probe.http.path} → ${probe.http.status}${probe.http.json ? ` and ${probe.http.json.field} = ${JSON.stringify(probe.http.json.equals)}` : ''}`;
  return `${probe.metric!.service} ${probe.metric!.condition}`;
}
