/**
 * The `workload:` section: what one arrival does. Each type names the services it drives by their
 * scenario names; the loader checks those names and kinds.
 */
import { z } from 'zod';
import { positiveDurationMs } from './duration-schema.ts';

const phoneNumber = z.string().regex(/^\+\d{6,15}$/, { message: 'expected an E.164 number such as "+15550000001"' });

/** Signal bot stack: each arrival is one inbound user message injected at the bridge; the reply is observed in the bridge's send log. */
export const signalWorkload = z.strictObject({
  type: z.literal('signal'),
  /** The bridge service (kind bridge). */
  bridge: z.string(),
  /** The bot services that answer (kind bot); their /metrics are sampled over time. */
  bots: z.array(z.string()).min(1),
  /** The bot's own number: the account messages are delivered to. */
  account: phoneNumber.default('+15550000001'),
  /** Distinct simulated senders; each arrival picks one at random. */
  users: z.number().int().positive().default(50),
  /** Message mix: text sent and relative weight. The bot's triggers are `!ping`, `!slow`, `!fail`. */
  messages: z
    .array(z.strictObject({ text: z.string().min(1), weight: z.number().positive().default(1), expectReply: z.boolean().default(true) }))
    .min(1)
    .default([{ text: '!ping', weight: 1, expectReply: true }]),
  /** Share of group messages (groupInfo set). */
  groupShare: z.number().min(0).max(1).default(0),
  /** Share of arrivals that re-emit an earlier (source, timestamp) pair, to exercise dedupe. */
  duplicateShare: z.number().min(0).max(1).default(0),
  /** A reply later than this counts as missing. */
  replyTimeout: positiveDurationMs.default(10_000),
  /** How often bot /metrics and /dlq are sampled. */
  sampleInterval: positiveDurationMs.default(1_000),
});

/** Plain HTTP requests against one service or URL: for external targets and smoke loads. */
export const httpWorkload = z.strictObject({
  type: z.literal('http'),
  /** A service name with its port (`bridge.http`) or a URL. */
  target: z.string(),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']).default('GET'),
  path: z.string().startsWith('/').default('/'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  /** Responses with these status codes count as success. */
  expectStatus: z.array(z.number().int()).default([200, 201, 204]),
  connections: z.number().int().positive().default(10),
  timeout: positiveDurationMs.default(10_000),
});

export const workloadSchema = z.discriminatedUnion('type', [signalWorkload, httpWorkload]);
export type WorkloadSpec = z.output<typeof workloadSchema>;
export type SignalWorkloadSpec = z.output<typeof signalWorkload>;
export type HttpWorkloadSpec = z.output<typeof httpWorkload>;
