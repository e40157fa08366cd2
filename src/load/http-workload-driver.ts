/**
 * The `http` workload as a run sees it (WorkloadDriver): HttpDriver's requests, with every response
 * recorded into the run's phased SLIs (http_req_duration, _uncorrected, http_req_failed) and the
 * per-interval series.
 */
import type { HttpWorkloadSpec } from '../scenario/workload-schema.ts';
import { HttpDriver } from './http-driver.ts';
import type { HttpExchangeResult } from './http-exchange.ts';
import { correctedLatencyMs } from './latency-recorder.ts';
import type { Arrival, DriverContext, WorkloadDriver } from './workload-driver.ts';

/** Monotonic (performance.now) ms to epoch ms: the run's arrivals and series speak epoch ms. */
const toEpochMs = (monotonicMs: number) => performance.timeOrigin + monotonicMs;

export class HttpWorkloadDriver implements WorkloadDriver {
  readonly workload = 'http';
  readonly latencySli = 'http_req_duration';
  private driver: HttpDriver | undefined;
  private context: DriverContext | undefined;
  private failed = 0;

  /** `targetUrl`: where the workload's target resolved, e.g. `http://127.0.0.1:8080`. */
  constructor(
    private readonly spec: HttpWorkloadSpec,
    private readonly targetUrl: string,
  ) {}

  async prepare(context: DriverContext): Promise<void> {
    this.context = context;
    this.driver = await HttpDriver.connect({ ...HttpDriver.optionsFor(this.spec, this.targetUrl), onResult: this.record });
  }

  async fire(arrival: Arrival): Promise<void> {
    if (!this.driver) throw new Error('HttpWorkloadDriver used before prepare()');
    await this.driver.fire({ index: arrival.index, intendedAtMs: arrival.intendedAtMs - performance.timeOrigin });
  }

  async sample(): Promise<void> {
    // Nothing to sample: every figure comes from the responses.
  }

  errorCount(): number {
    return this.failed;
  }

  async finish(): Promise<void> {
    this.driver?.abandonInFlight();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.driver?.close();
  }

  private readonly record = (result: HttpExchangeResult, failed: boolean): void => {
    const { slis, series } = this.context!;
    const doneAtMs = toEpochMs(result.doneAtMs);
    // A request counts in the phase it was due in, however late it is answered.
    const intendedAtMs = toEpochMs(result.intendedAtMs);
    if (failed) this.failed++;
    if (result.failure) {
      slis.record((s) => s.rate('http_req_failed', true), intendedAtMs);
    } else {
      const correctedMs = correctedLatencyMs(result.intendedAtMs, result.sentAtMs, result.doneAtMs);
      const uncorrectedMs = result.doneAtMs - result.sentAtMs;
      slis.record((s) => {
        s.trend('http_req_duration').recordMs(correctedMs);
        s.trend('http_req_duration_uncorrected').recordMs(uncorrectedMs);
        s.rate('http_req_failed', failed);
      }, intendedAtMs);
      series.latency(doneAtMs, correctedMs);
    }
    series.add('responses', doneAtMs);
    if (failed) series.add('failed', doneAtMs);
  };
}
