/**
 * The `faults:` section: which fault server to drive, and the timeline of faults on links.
 * Attribute names and units follow Toxiproxy (milliseconds, KB/s, bytes); the UDP ones are drill extensions.
 */
import { z } from 'zod';
import { durationMs, positiveDurationMs } from './duration-schema.ts';
import { atMost, scenarioLimits } from './scenario-limits.ts';

/** A toxic's time attribute, ms; its byte counts; its bandwidth, KB/s. */
const ms = () => z.number().nonnegative().max(scenarioLimits.toxicMs, atMost(scenarioLimits.toxicMs, 'ms (one hour)'));
const bytes = () => z.number().int().nonnegative().max(scenarioLimits.toxicBytes, atMost(scenarioLimits.toxicBytes, 'bytes'));

const stream = z.enum(['upstream', 'downstream']).meta({
  description: 'upstream: client→server; downstream: server→client (Toxiproxy default).',
});
const toxicity = z.number().min(0).max(1).meta({
  description: 'Share of connections (TCP) the toxic applies to, decided once per connection as Toxiproxy does; per datagram for UDP.',
});
const probability = z.number().min(0).max(1);

const common = {
  at: durationMs.describe('When the fault starts, from the start of the load.'),
  /** How long it lasts; omitted means until the end of the run. */
  for: positiveDurationMs.optional(),
  link: z.string().min(1).describe('The link, as `from->to` (one direction of traffic), `from<->to` (both links), or a proxy name `from_to_to`.'),
  stream: stream.optional(),
  toxicity: toxicity.optional(),
  skipVerify: z.boolean().optional().describe('Skip the check that the fault took effect before it counts.'),
};

/**
 * A linear ramp of one attribute: the toxic starts at `from` and is updated every `step` until it reaches `to` at
 * the last step before the fault clears (so the last update never meets the removal). Needs the fault's `for`.
 */
function rampOf<const A extends readonly [string, ...string[]]>(type: string, attributes: A) {
  return z
    .strictObject({
      attribute: z.enum(attributes, {
        error: (issue) => `a ${type} ramp moves ${attributes.join(' or ')}, got ${JSON.stringify(issue.input)}`,
      }),
      from: z.number().nonnegative(),
      to: z.number().nonnegative(),
      step: positiveDurationMs
        .refine((stepMs) => stepMs >= scenarioLimits.shortestStepMs, { message: `must be at least ${scenarioLimits.shortestStepMs} ms` })
        .default(1_000).describe('How often the attribute is updated while ramping; shorter than the fault\'s `for`.'),
    })
    .describe('Moves one attribute linearly from `from` to `to` over the fault\'s `for` (which it needs), reaching `to` at the last step.');
}

export const faultSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...common, type: z.literal('latency'), latency: ms().default(0), jitter: ms().default(0), ramp: rampOf('latency', ['latency', 'jitter']).optional() }),
  z.strictObject({ ...common, type: z.literal('bandwidth'), rate: z.number().nonnegative().max(scenarioLimits.bandwidthKBps, atMost(scenarioLimits.bandwidthKBps, 'KB/s')), ramp: rampOf('bandwidth', ['rate']).optional() }),
  z.strictObject({ ...common, type: z.literal('slow_close'), delay: ms() }),
  z.strictObject({ ...common, type: z.literal('timeout'), timeout: ms() }),
  z.strictObject({ ...common, type: z.literal('reset_peer'), timeout: ms().default(0) }),
  z.strictObject({ ...common, type: z.literal('slicer'), average_size: bytes().positive(), size_variation: bytes().default(0), delay: ms().default(0) }),
  z.strictObject({ ...common, type: z.literal('limit_data'), bytes: bytes() }),
  z.strictObject({
    ...common,
    type: z.literal('loss'),
    probability,
    correlation: z.number().min(0).max(1).default(0),
    rto: ms().positive().optional().describe('TCP links only: a lost segment arrives this many ms later (retransmission), doubling for losses in a row.'),
    ramp: rampOf('loss', ['probability', 'correlation', 'rto']).optional(),
  }),
  z.strictObject({ ...common, type: z.literal('duplicate'), probability }),
  z.strictObject({ ...common, type: z.literal('reorder'), probability, delay: ms().default(20) }),
  z.strictObject({ ...common, type: z.literal('partition') }),
]);
export type FaultSpec = z.output<typeof faultSchema>;

export const faultsSchema = z.strictObject({
  /**
   * embedded: drill's own Toxiproxy-compatible server (default). toxiproxy: an existing server at `url`
   * (or $TOXIPROXY_URL). toxiproxy-container: the real Toxiproxy image, started through testcontainers when a
   * Docker engine answers and the image is present locally; otherwise the embedded server, with a warning.
   */
  server: z.enum(['embedded', 'toxiproxy', 'toxiproxy-container']).default('embedded'),
  url: z.string().optional(),
  image: z
    .string()
    .min(1)
    .optional()
    .describe('Image of `server: toxiproxy-container`; default ghcr.io/shopify/toxiproxy:2.12.0, else any local tag of ghcr.io/shopify/toxiproxy.'),
  verify: z.boolean().default(true).describe('Verify each fault\'s effect with a probe before it counts.'),
  timeline: z.array(faultSchema).max(scenarioLimits.listEntries, atMost(scenarioLimits.listEntries, 'faults')).default([]),
})
  // A key the chosen server would ignore is refused, so no one believes their run used it.
  .superRefine((faults, ctx) => {
    if (faults.url !== undefined && faults.server !== 'toxiproxy') {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `\`url\` is used only with \`server: toxiproxy\`, got server: ${faults.server}` });
    }
    if (faults.image !== undefined && faults.server !== 'toxiproxy-container') {
      ctx.addIssue({ code: 'custom', path: ['image'], message: `\`image\` is used only with \`server: toxiproxy-container\`, got server: ${faults.server}` });
    }
  });
export type FaultsSpec = z.output<typeof faultsSchema>;

/** The phase a fault opens, and the one that starts when it clears (only for a fault with `for`). */
export function faultPhaseNames(fault: FaultSpec, index: number): { during: string; after: string | undefined } {
  return { during: `fault-${index}-${fault.type}`, after: fault.for ? `after-${index}` : undefined };
}
