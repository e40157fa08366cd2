/**
 * The SLIs of one window (a whole run, or one phase): trends in histograms, rates as bad/total,
 * counters, and sampled gauges. Summarised into report values with units from the catalog.
 */
import type { SerializedHistogram, SliValue } from '../report/report-schema.ts';
import type { SliDefinition } from './catalog.ts';

/** What a trend SLI needs from a histogram (LatencyHistogram implements it). */
export interface TrendHistogram {
  recordMs(valueMs: number): void;
  readonly count: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly meanMs: number;
  percentileMs(percentile: number): number;
  toJSON(): SerializedHistogram;
}

export const STANDARD_PERCENTILES = [50, 90, 95, 99, 99.9] as const;

/** A gauge's samples, kept as running figures: the same few numbers however long the run samples it. */
export interface GaugeStats {
  last: number;
  min: number;
  max: number;
  sum: number;
  samples: number;
}

export class SliSet {
  readonly trends = new Map<string, TrendHistogram>();
  readonly rates = new Map<string, { bad: number; total: number }>();
  readonly counters = new Map<string, number>();
  readonly gauges = new Map<string, GaugeStats>();

  constructor(
    readonly name: string,
    private readonly newHistogram: () => TrendHistogram,
  ) {}

  trend(name: string): TrendHistogram {
    let histogram = this.trends.get(name);
    if (!histogram) this.trends.set(name, (histogram = this.newHistogram()));
    return histogram;
  }

  /** Count one event for a rate SLI; `bad` events are the numerator. */
  rate(name: string, bad: boolean, events = 1): void {
    const entry = this.rates.get(name) ?? { bad: 0, total: 0 };
    entry.total += events;
    if (bad) entry.bad += events;
    this.rates.set(name, entry);
  }

  count(name: string, amount = 1): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + amount);
  }

  gauge(name: string, value: number): void {
    const stats = this.gauges.get(name);
    if (!stats) {
      this.gauges.set(name, { last: value, min: value, max: value, sum: value, samples: 1 });
      return;
    }
    stats.last = value;
    if (value < stats.min) stats.min = value;
    if (value > stats.max) stats.max = value;
    stats.sum += value;
    stats.samples++;
  }

  /** Report values for every SLI in `definitions` that has data, over a window of `durationMs`. */
  summarize(definitions: SliDefinition[], durationMs: number, histogramPrefix: string): Record<string, SliValue> {
    const values: Record<string, SliValue> = {};
    const seconds = Math.max(durationMs / 1_000, 1e-9);
    for (const def of definitions) {
      const base = { kind: def.kind, unit: def.unit };
      if (def.kind === 'trend') {
        const h = this.trends.get(def.name);
        if (!h) continue;
        values[def.name] = {
          ...base,
          count: h.count,
          ...(h.count > 0
            ? {
                min: h.minMs,
                max: h.maxMs,
                avg: h.meanMs,
                percentiles: Object.fromEntries(STANDARD_PERCENTILES.map((p) => [`p${p}`, h.percentileMs(p)])),
              }
            : {}),
          histogram: `${histogramPrefix}${def.name}`,
        };
      } else if (def.kind === 'rate') {
        const r = this.rates.get(def.name);
        if (!r) continue;
        values[def.name] = { ...base, count: r.bad, total: r.total, rate: r.total > 0 ? r.bad / r.total : 0 };
      } else if (def.kind === 'counter') {
        const c = this.counters.get(def.name);
        if (c === undefined) continue;
        values[def.name] = { ...base, count: c, rate: c / seconds };
      } else {
        const stats = this.gauges.get(def.name);
        if (!stats) continue;
        values[def.name] = { ...base, value: stats.last, min: stats.min, max: stats.max, avg: stats.sum / stats.samples };
      }
    }
    // Counter families: `lease_rejects_WrongRelay` reports under the unit of the catalog's `lease_rejects`.
    for (const [name, count] of this.counters) {
      if (values[name]) continue;
      const family = definitions.find((def) => def.kind === 'counter' && name.startsWith(`${def.name}_`));
      if (family) values[name] = { kind: 'counter', unit: family.unit, count, rate: count / seconds };
    }
    return values;
  }

  histograms(prefix: string): Record<string, SerializedHistogram> {
    return Object.fromEntries([...this.trends].map(([name, h]) => [`${prefix}${name}`, h.toJSON()]));
  }
}
