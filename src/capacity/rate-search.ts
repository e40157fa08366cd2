/**
 * Which rate to try next: coarse steps up from `start` (× factor, or + increment) until a step breaks, then a
 * bisection between the last good and the first bad rate until first bad / last good − 1 ≤ resolution. A
 * saturated stack completes arrivals at its capacity, so the bisection first probes the throughput a failing step
 * achieved (when it lies between the two) and, when that holds, that rate × (1 + resolution); then it halves.
 * Pure: the sweep reports each step's verdict and asks again; the step and time bounds are the sweep's.
 */
export interface RateSearchSpec {
  /** Arrivals per second. */
  start: number;
  factor?: number | undefined;
  increment?: number | undefined;
  max: number;
  /** Fraction, e.g. 0.05. */
  resolution: number;
}

export type SearchEnd = 'resolved' | 'max-rate' | 'below-start';

/** Rates are kept to 3 decimals so a report's figures read as what was offered. */
const round = (rate: number) => Math.round(rate * 1_000) / 1_000;

export class RateSearch {
  private lastGood: number | undefined;
  private firstBad: number | undefined;
  private pending: number | undefined;
  private ended: SearchEnd | undefined;
  /** Throughput a failing step achieved: where the capacity probably is. */
  private estimate: number | undefined;
  private readonly tried = new Set<number>();

  constructor(private readonly spec: RateSearchSpec) {
    this.pending = round(spec.start);
  }

  /** The next rate to hold, or undefined once the search has ended (`end` says why). */
  next(): { rate: number; phase: 'coarse' | 'bisect' } | undefined {
    if (this.ended || this.pending === undefined) return undefined;
    return { rate: this.pending, phase: this.firstBad === undefined ? 'coarse' : 'bisect' };
  }

  /** `achieved`: arrivals completed per second during the step, if measured. */
  record(rate: number, pass: boolean, achieved?: number): void {
    this.tried.add(rate);
    if (pass) this.lastGood = Math.max(this.lastGood ?? 0, rate);
    else {
      this.firstBad = Math.min(this.firstBad ?? Infinity, rate);
      if (achieved !== undefined && achieved > 0 && achieved < rate) this.estimate = round(achieved);
    }
    this.pending = this.choose();
  }

  get end(): SearchEnd | undefined {
    return this.ended;
  }

  get good(): number | undefined {
    return this.lastGood;
  }

  get bad(): number | undefined {
    return this.firstBad;
  }

  private choose(): number | undefined {
    const { lastGood, firstBad } = this;
    if (firstBad === undefined) {
      const last = lastGood!;
      if (last >= this.spec.max) return this.finish('max-rate');
      const up = this.spec.increment !== undefined ? last + this.spec.increment : last * (this.spec.factor ?? 2);
      return round(Math.min(this.spec.max, up));
    }
    if (lastGood === undefined) return this.finish('below-start');
    // The rounding of rates to 3 decimals may put a resolution step a hair above the resolution.
    if (firstBad / lastGood - 1 <= this.spec.resolution + 1e-3) return this.finish('resolved');
    const inside = (r: number) => r > lastGood && r < firstBad && !this.tried.has(r);
    const estimate = this.estimate;
    if (estimate !== undefined && inside(estimate)) return estimate;
    if (estimate !== undefined && lastGood === estimate) {
      const above = round(estimate * (1 + this.spec.resolution));
      if (inside(above)) return above;
    }
    const mid = round((lastGood + firstBad) / 2);
    // Rates closer than the rounding cannot be told apart.
    return mid <= lastGood || mid >= firstBad ? this.finish('resolved') : mid;
  }

  private finish(why: SearchEnd): undefined {
    this.ended = why;
    return undefined;
  }
}
