/**
 * Upper bounds on every number a scenario sets. Each is far above what a drill on one machine uses, and each
 * keeps a typo from turning into an out-of-memory crash after the stack started, a timer Node clamps to 1 ms, or a
 * run that lasts for days past its duration. The schema refuses a value past its bound with the bound in the message.
 */
export const scenarioLimits = {
  /** Longest duration: Node's timers hold at most 2^31 − 1 ms (24.8 days); longer ones fire after 1 ms. */
  durationMs: 2_147_483_647,
  /** Most arrivals per second a load may ask for, at any stage (the generator reaches about 20,000/s on one core). */
  ratePerSecond: 100_000,
  /** Most arrivals in flight at once (`maxVUs`). */
  maxVUs: 100_000,
  /** Most services in one scenario. */
  services: 100,
  /** Most links, drill steps, faults on the timeline, messages in the mix, threshold entries. */
  listEntries: 1_000,
  /** Most distinct simulated Signal senders (each is a number kept in memory). */
  users: 1_000_000,
  /** Most HTTP connections of the http workload. */
  connections: 10_000,
  /** Most input events per second per Wavry session. */
  inputRate: 10_000,
  /** Most handshake attempts of a Wavry session, and synthetic control-plane relays. */
  attempts: 1_000,
  /** Largest time attribute of a toxic (latency, jitter, delay, timeout, rto), ms: one hour. */
  toxicMs: 3_600_000,
  /** Largest bandwidth toxic rate, KB/s (10 GB/s). */
  bandwidthKBps: 10_000_000,
  /** Largest byte count of a toxic (slicer sizes, limit_data), bytes (1 TiB). */
  toxicBytes: 1_099_511_627_776,
  /** Shortest ramp step and report interval, ms: shorter ones only burn CPU. */
  shortestStepMs: 10,
  /** Most updates of one ramp (`for` ÷ `step`). */
  rampSteps: 10_000,
  /** Most buckets of the report's time series (load duration ÷ `report.interval`). */
  seriesBuckets: 100_000,
  /** Largest seed: the random source uses 32 bits of it. */
  seed: 4_294_967_295,
  /** Longest scenario, service and step name, characters: they become file and folder names. */
  nameLength: 100,
} as const;

/** The `error` option of a zod check past a bound: names the bound, its unit and the value found. */
export function atMost(limit: number, unit: string): { error: (issue: { input?: unknown }) => string } {
  const bound = `${limit.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
  return { error: (issue) => `must be at most ${bound}, got ${describe(issue.input)}` };
}

function describe(input: unknown): string {
  if (Array.isArray(input)) return `${input.length} entries`;
  if (typeof input === 'string') return `${input.length} characters`;
  if (input !== null && typeof input === 'object') return `${Object.keys(input).length} entries`;
  return String(input);
}
