/** One service of the stack under test, and where it comes from. */
import { z } from 'zod';
import { durationMs, positiveDurationMs } from './duration-schema.ts';

export const serviceKinds = ['bridge', 'bot', 'gateway', 'master', 'relay', 'host', 'redis'] as const;
export type ServiceKind = (typeof serviceKinds)[number];

/** A process cannot receive a NUL inside an argument or an environment variable: the C string ends there. */
const noNul = (text: string) => !text.includes('\u0000');
const NUL_MESSAGE = 'contains a NUL character (\\0), which no process can receive in an argument or environment variable';

const envValue = z
  .union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' })
  .transform(String)
  .refine(noNul, { message: NUL_MESSAGE });

export const readinessSchema = z.strictObject({
  port: z.string().optional().describe('Named port the probe uses (default: the kind\'s health port).'),
  /** HTTP path answering 2xx when ready (default: the kind's readiness path). */
  path: z.string().startsWith('/', { message: 'expected a path starting with "/", such as "/ready"' }).optional(),
  timeout: positiveDurationMs.default(20_000).describe('Give up after this long.'),
  interval: positiveDurationMs.default(100),
});

export const serviceSchema = z
  .strictObject({
    kind: z.enum(serviceKinds, { message: `unknown service kind; expected one of ${serviceKinds.join(', ')}` }),
    fixture: z.string().optional().describe('Stand-in program from `fixtures/<name>` (default: the kind).'),
    /** argv of your own build of the real system; use `${ports.NAME}` and `${links.SERVICE.PORT}` in args and env. */
    command: z.array(z.string().refine(noNul, { message: NUL_MESSAGE })).min(1).optional(),
    cwd: z.string().optional().describe('Working directory for `command`.'),
    /** A container image (container runtime). */
    image: z.string().optional(),
    url: z.string().url({ message: 'expected a URL such as "http://127.0.0.1:8080"' }).optional().describe('An already-running service: only its base URL is known (external runtime).'),
    /** Release of this service (default: the scenario's `release`). Selects the fixture's behaviour profile. */
    release: z.string().optional(),
    env: z.record(z.string().min(1).refine((key) => noNul(key) && !key.includes('='), { message: 'an environment variable name has no "=" and no NUL' }), envValue).default({}),
    ports: z.record(z.string(), z.number().int().min(0).max(65_535)).default({}).describe('Named ports: 0 (default) allocates a free loopback port at start.'),
    readiness: readinessSchema.optional(),
    dependsOn: z.array(z.string()).default([]).describe('Services that must be ready before this one starts (links add their targets implicitly).'),
    /** Time to wait for a graceful stop (SIGTERM) before SIGKILL. */
    stopTimeout: durationMs.default(5_000),
  })
  .superRefine((service, ctx) => {
    const sources = (['fixture', 'command', 'image', 'url'] as const).filter((key) => service[key] !== undefined);
    if (sources.length > 1) {
      ctx.addIssue({ code: 'custom', path: [sources[1]!], message: `give one of fixture, command, image or url, not ${sources.join(' and ')}` });
    }
  });
export type ServiceSpec = z.output<typeof serviceSchema>;

export const linkSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  port: z.string().optional().describe('Named port of `to` the link carries (default: the kind\'s main port).'),
  protocol: z.enum(['tcp', 'udp']).default('tcp'),
});
export type LinkSpec = z.output<typeof linkSchema>;
