/**
 * Every outcome of a run with its time, per SLI: the source of sliding windows (steady-state SLI probes, SLI-judged
 * recovery, recovery curves). Outcomes are stamped with the time of their cause, as phases are (a reply that timed
 * out counts at its intended send time), so a window judged again later sees the outcomes that arrived late.
 */
import type { SliValue } from '../report/report-schema.ts';
import type { SliDefinition } from './catalog.ts';
import { SliSet, STANDARD_PERCENTILES, type TrendHistogram } from './sli-set.ts';

/** Entries kept per SLI; past it the oldest half is dropped (a drill needs its last minutes, not its first hour). */
const MAX_ENTRIES = 2_000_000;

interface Entries {
  atMs: number[];
  values: number[];
  weights: number[];
}

export class OutcomeLog {
  private readonly entries = new Map<string, Entries>();

  /** A set whose every record lands in this log at `atMs` (epoch ms). */
  at(atMs: number): SliSet {
    return new LoggingSet(this, atMs);
  }

  add(name: string, atMs: number, value: number, weight = 1): void {
    let e = this.entries.get(name);
    if (!e) this.entries.set(name, (e = { atMs: [], values: [], weights: [] }));
    e.atMs.push(atMs);
    e.values.push(value);
    e.weights.push(weight);
    if (e.atMs.length > MAX_ENTRIES) for (const list of [e.atMs, e.values, e.weights]) list.splice(0, MAX_ENTRIES / 2);
  }

  /** The SLI over [startMs, endMs) (epoch ms), as the report states a value; undefined when nothing was recorded. */
  window(definition: SliDefinition, startMs: number, endMs: number): { value: SliValue; histogram?: TrendHistogram } | undefined {
    const e = this.entries.get(definition.name);
    if (!e) return undefined;
    const values: number[] = [];
    const weights: number[] = [];
    let lastAt = -Infinity;
    let last: number | undefined;
    for (let i = 0; i < e.atMs.length; i++) {
      const at = e.atMs[i]!;
      if (at < startMs || at >= endMs) continue;
      values.push(e.values[i]!);
      weights.push(e.weights[i]!);
      if (at >= lastAt) [lastAt, last] = [at, e.values[i]!];
    }
    const base = { kind: definition.kind, unit: definition.unit };
    const sum = (list: number[]) => list.reduce((a, b) => a + b, 0);
    switch (definition.kind) {
      case 'trend': {
        const samples = new SortedSamples(values);
        if (samples.count === 0) return { value: { ...base, count: 0 }, histogram: samples };
        const percentiles = Object.fromEntries(STANDARD_PERCENTILES.map((p) => [`p${p}`, samples.percentileMs(p)]));
        return { value: { ...base, count: samples.count, min: samples.minMs, max: samples.maxMs, avg: samples.meanMs, percentiles }, histogram: samples };
      }
      case 'rate': {
        const [bad, total] = [sum(values), sum(weights)];
        return { value: { ...base, count: bad, total, rate: total > 0 ? bad / total : 0 } };
      }
      case 'counter': {
        const count = sum(values);
        return { value: { ...base, count, rate: count / Math.max((endMs - startMs) / 1_000, 1e-9) } };
      }
      case 'gauge':
        if (last === undefined) return undefined;
        return { value: { ...base, value: last, min: Math.min(...values), max: Math.max(...values), avg: sum(values) / values.length } };
    }
  }
}

/** An SliSet that writes to the log instead of keeping summaries. */
class LoggingSet extends SliSet {
  constructor(
    private readonly log: OutcomeLog,
    private readonly atMs: number,
  ) {
    super('log', () => new SortedSamples([]));
  }

  override trend(name: string): TrendHistogram {
    const recorder = new SortedSamples([]);
    recorder.recordMs = (valueMs) => this.log.add(name, this.atMs, valueMs);
    return recorder;
  }

  override rate(name: string, bad: boolean, events = 1): void {
    this.log.add(name, this.atMs, bad ? events : 0, events);
  }

  override count(name: string, amount = 1): void {
    this.log.add(name, this.atMs, amount);
  }

  override gauge(name: string, value: number): void {
    this.log.add(name, this.atMs, value);
  }
}

/** The samples of one window, sorted, answering what a histogram answers (exact, not bucketed). */
class SortedSamples implements TrendHistogram {
  private readonly sorted: number[];

  constructor(values: number[]) {
    this.sorted = [...values].sort((a, b) => a - b);
  }

  recordMs(valueMs: number): void {
    this.sorted.push(valueMs);
    this.sorted.sort((a, b) => a - b);
  }

  get count(): number {
    return this.sorted.length;
  }
  get minMs(): number {
    return this.sorted[0] ?? 0;
  }
  get maxMs(): number {
    return this.sorted.at(-1) ?? 0;
  }
  get meanMs(): number {
    return this.sorted.length ? this.sorted.reduce((a, b) => a + b, 0) / this.sorted.length : 0;
  }

  percentileMs(percentile: number): number {
    if (!this.sorted.length) return 0;
    return this.sorted[Math.min(this.sorted.length - 1, Math.max(0, Math.ceil((percentile / 100) * this.sorted.length) - 1))]!;
  }

  toJSON(): never {
    throw new Error('window samples are not stored; the run keeps its histograms');
  }
}
