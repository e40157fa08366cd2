/**
 * Which rate to try next: coarse steps up from `start` (× factor, or + increment) until a step breaks, then a
 * bisection between the last good and the first bad rate until first bad / last good − 1 ≤ resolution. Pure: the
 * sweep reports each step's verdict and asks again; the step and time bounds are the sweep's.
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

  constructor(private readonly spec: RateSearchSpec) {
    this.pending = round(spec.start);
  }

  /** The next rate to hold, or undefined once the search has ended (`end` says why). */
  next(): { rate: number; phase: 'coarse' | 'bisect' } | undefined {
    if (this.ended || this.pending === undefined) return undefined;
    return { rate: this.pending, phase: this.firstBad === undefined ? 'coarse' : 'bisect' };
  }

  record(rate: number, pass: boolean): void {
    if (pass) this.lastGood = Math.max(this.lastGood ?? 0, rate);
    else this.firstBad = Math.min(this.firstBad ?? Infinity, rate);
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
    if (firstBad / lastGood - 1 <= this.spec.resolution) return this.finish('resolved');
    const mid = round((lastGood + firstBad) / 2);
    // Rates closer than the rounding cannot be told apart.
    return mid <= lastGood || mid >= firstBad ? this.finish('resolved') : mid;
  }

  private finish(why: SearchEnd): undefined {
    this.ended = why;
    return undefined;
  }
}
