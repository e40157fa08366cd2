/** Messages between the load benchmark and a generator child process. */

/** What to run. */
export interface GeneratorJob {
  /** Target URL (loopback). */
  url: string;
  /** Requests per second. 0 with `saturate`. */
  rate: number;
  /** Send as fast as the connections allow instead of at `rate` (autocannon only): measures the target's limit. */
  saturate?: boolean;
  durationMs: number;
  /** Unmeasured run at the same rate before the measured one, so both generators are warm (JIT, connections), ms. */
  warmupMs: number;
  connections: number;
  /** drill only: a fixed `timerSlackMs` instead of the default, ms. */
  timerSlackMs?: number;
}

/** What a generator measured. Latencies in ms. */
export interface GeneratorResult {
  /** Responses received. */
  responses: number;
  /** Requests that failed (errors, timeouts, non-2xx). */
  failed: number;
  /** Arrivals dropped because too many were in flight (drill only). */
  dropped: number;
  /** CPU time (user + system) of the generator process during the run, ms. */
  cpuMs: number;
  /** Wall time from start to the last response, ms. */
  elapsedMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** drill: p99 measured from the actual send, ms. */
  uncorrectedP99Ms?: number;
  /** drill: p99 of schedule lag, ms. */
  lagP99Ms?: number;
}

export type GeneratorMessage = { type: 'started' } | { type: 'result'; result: GeneratorResult } | { type: 'failed'; error: string };

/** Runs `job` when the parent sends it, reports back, and exits. */
export function serveGenerator(run: (job: GeneratorJob, started: () => void) => Promise<GeneratorResult>): void {
  const send = (message: GeneratorMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));
  process.once('message', (job: GeneratorJob) => {
    run(job, () => void send({ type: 'started' }))
      .then((result) => send({ type: 'result', result }))
      .catch((error: unknown) => send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }))
      .finally(() => process.exit(0));
  });
}
