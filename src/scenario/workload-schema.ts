/**
 * The `workload:` section: what one arrival does. Each type names the services it drives by their
 * scenario names; the loader checks those names and kinds.
 */
import { z } from 'zod';
import { positiveDurationMs } from './duration-schema.ts';
import { atMost, scenarioLimits } from './scenario-limits.ts';

/** A sampling period: at least `scenarioLimits.shortestStepMs`. */
const samplePeriod = positiveDurationMs.refine((ms) => ms >= scenarioLimits.shortestStepMs, { message: `must be at least ${scenarioLimits.shortestStepMs} ms` });

const phoneNumber = z.string().regex(/^\+\d{6,15}$/, { message: 'expected an E.164 number such as "+15550000001"' });

/** Signal bot stack: each arrival is one inbound user message injected at the bridge; the reply is observed in the bridge's send log. */
export const signalWorkload = z.strictObject({
  type: z.literal('signal'),
  bridge: z.string().describe('The bridge service (kind bridge).'),
  /** The bot services that answer (kind bot); their /metrics are sampled over time. */
  bots: z.array(z.string()).min(1),
  account: phoneNumber.default('+15550000001').describe('The bot\'s own number: the account messages are delivered to.'),
  /** Distinct simulated senders; each arrival picks one at random. */
  users: z.number().int().positive().max(scenarioLimits.users, atMost(scenarioLimits.users, 'users')).default(50),
  /** Message mix: text sent and relative weight. The bot's triggers are `!ping`, `!slow`, `!fail`. */
  messages: z
    .array(
      z.strictObject({
        text: z.string().min(1),
        weight: z.number().positive().default(1),
        expectReply: z.boolean().default(true),
        /** Filler appended to the text (a space, then this many `x`), to make frames big; bytes. */
        padBytes: z.number().int().min(0).max(1_000_000).default(0),
      }),
    )
    .min(1)
    .max(scenarioLimits.listEntries, atMost(scenarioLimits.listEntries, 'messages'))
    .default([{ text: '!ping', weight: 1, expectReply: true, padBytes: 0 }]),
  groupShare: z.number().min(0).max(1).default(0).describe('Share of group messages (groupInfo set).'),
  /** Share of arrivals that re-emit an earlier (source, timestamp) pair, to exercise dedupe. */
  duplicateShare: z.number().min(0).max(1).default(0),
  replyTimeout: positiveDurationMs.default(10_000).describe('A reply later than this counts as missing.'),
  /** How often bot /metrics and /dlq are sampled. */
  sampleInterval: samplePeriod.default(1_000),
});

/** Plain HTTP requests against one service or URL: for external targets and smoke loads. */
export const httpWorkload = z.strictObject({
  type: z.literal('http'),
  target: z.string().describe('A service name with its port (`bridge.http`) or a URL.'),
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']).default('GET'),
  path: z.string().startsWith('/', { message: 'expected a path starting with "/", such as "/v1/health"' }).default('/'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expectStatus: z.array(z.number().int()).default([200, 201, 204]).describe('Responses with these status codes count as success.'),
  connections: z.number().int().positive().max(scenarioLimits.connections, atMost(scenarioLimits.connections, 'connections')).default(10),
  timeout: positiveDurationMs.default(10_000),
});

/**
 * Wavry streaming stack: each arrival is one client session. The client logs in at the gateway, binds,
 * exchanges offer/answer with a host, goes direct (a WebRTC data channel) when the host's answer carries a
 * reachable address, otherwise requests a relay and forwards through it over UDP; then sends input events and
 * pings until the session ends.
 */
export const wavryWorkload = z.strictObject({
  type: z.literal('wavry'),
  gateway: z.string().describe('The gateway clients sign in and signal through (kind gateway).'),
  /** The master whose relay registry and lease flow are observed (kind master). */
  master: z.string(),
  hosts: z.array(z.string()).min(1).describe('Hosts clients connect to (kind host); each session picks one.'),
  /** Relays whose metrics are sampled (kind relay). */
  relays: z.array(z.string()).default([]),
  relayShare: z.number().min(0).max(1).default(0.3).describe('Share of clients "behind NAT": they ignore the direct address and go through a relay.'),
  returningViewers: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      'Share of sessions by a viewer who signed in earlier and comes back with the session token it kept (Bind with it; a refused token counts in tokens_rejected, in the phase that issued it, and the viewer signs in again; an account the gateway lost counts in accounts_lost). 0: every session is a new viewer who signs up.',
    ),
  /** How long a connected session lasts. */
  sessionDuration: positiveDurationMs.default(10_000),
  inputRate: z.number().positive().max(scenarioLimits.inputRate, atMost(scenarioLimits.inputRate, 'events/s')).default(60).describe('Input events per second each connected session sends.'),
  pingInterval: samplePeriod.default(500),
  setupTimeout: positiveDurationMs.default(20_000).describe('Offer → answer limit (the real client\'s 20 s).'),
  /** REQUEST_RELAY → RELAY_CREDENTIALS limit (8 s). */
  relayCredentialsTimeout: positiveDurationMs.default(8_000),
  handshakeAttempts: z.number().int().positive().max(scenarioLimits.attempts, atMost(scenarioLimits.attempts, 'attempts')).default(6).describe('Handshake attempts over the data path and the wait for each (6 × 2 s).'),
  handshakeInterval: positiveDurationMs.default(2_000),
  presentAs: z
    .enum(['lease', 'client'])
    .default('lease')
    .describe(
      'The role a viewer presents its relay lease in: lease (the role the lease names, as the reference\'s synthetic peers) or client (always Client, as the real client does; a master that gives the requester a server lease then gets every relayed session rejected).',
    ),
  controlPlaneRelays: z.number().int().nonnegative().max(scenarioLimits.attempts, atMost(scenarioLimits.attempts, 'relays')).default(4).describe('Synthetic relays that register and heartbeat against the master to measure its control plane (0 = off).'),
  /** How often relay inventory and metrics are sampled. */
  sampleInterval: samplePeriod.default(1_000),
});

export const workloadSchema = z.discriminatedUnion('type', [signalWorkload, httpWorkload, wavryWorkload]);
export type WavryWorkloadSpec = z.output<typeof wavryWorkload>;
export type WorkloadSpec = z.output<typeof workloadSchema>;
export type SignalWorkloadSpec = z.output<typeof signalWorkload>;
export type HttpWorkloadSpec = z.output<typeof httpWorkload>;
