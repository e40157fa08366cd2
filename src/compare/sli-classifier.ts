/**
 * Compares one SLI of one window between the pooled baseline and the pooled candidate, with the test that
 * fits its kind: latency distributions by Mann-Whitney U plus bootstrap intervals of the p95 and p99
 * differences (a fatter tail is caught when the median does not move); rates and counters, which are sparse,
 * by the exact conditional binomial/Poisson test; gauges by their extremes.
 */
import { bootstrapQuantileDifference, type QuantileDifference } from './bootstrap-quantiles.ts';
import { exactRateTest, proportionDifferenceInterval, rateDifferenceInterval } from './count-tests.ts';
import { mannWhitneyU } from './mann-whitney.ts';
import type { PooledSli, PooledWindow, RunQuantiles } from './report-pool.ts';
import { directional, notJudged, type SliComparison } from './sli-comparison.ts';
import { floorAt, type SliPolicy } from './sli-policy.ts';
import { quantileOf, sampleOfHistogram } from './weighted-sample.ts';

export interface ClassifyOptions {
  alpha: number;
  minSamples: number;
  resamples: number;
  seed: number;
}

interface Sides<T extends PooledSli> {
  sli: string;
  base: T;
  cand: T;
  baseWindow: PooledWindow;
  candWindow: PooledWindow;
}

const fmt = (v: number, digits = 3) => Number(v.toPrecision(digits)).toString();

export function classifySli(sli: string, phase: string, policy: SliPolicy, base: PooledWindow | undefined, cand: PooledWindow | undefined, options: ClassifyOptions): SliComparison {
  const b = base?.slis.get(sli);
  const c = cand?.slis.get(sli);
  const kind = (b ?? c)?.kind ?? 'counter';
  const head = { sli, phase, kind, unit: (b ?? c)?.unit ?? '', ...policy };
  if (!b || !c || !base || !cand) return notJudged(head, 'nodata', `no ${sli} in the ${!b ? 'baseline' : 'candidate'}${phase === 'run' ? '' : ` phase ${phase}`}`);
  if (b.kind !== c.kind) return notJudged(head, 'cannot-judge', `${sli} is a ${b.kind} in the baseline and a ${c.kind} in the candidate`);
  const sides = { sli, baseWindow: base, candWindow: cand };
  if (b.kind === 'trend' && c.kind === 'trend') return { ...head, ...trend({ ...sides, base: b, cand: c }, policy, options) };
  if (b.kind === 'rate' && c.kind === 'rate') return { ...head, ...rate({ ...sides, base: b, cand: c }, policy, options) };
  if (b.kind === 'counter' && c.kind === 'counter') return { ...head, ...counter({ ...sides, base: b, cand: c }, policy, options) };
  if (b.kind === 'gauge' && c.kind === 'gauge') return { ...head, ...gauge(b, c, policy) };
  return notJudged(head, 'cannot-judge', `unknown kind ${kind}`);
}

type Judged = Omit<SliComparison, 'sli' | 'phase' | 'kind' | 'unit' | 'direction' | 'weight' | 'critical'>;

function tooFew(n1: number, n2: number, min: number, what: string): Judged | undefined {
  if (n1 >= min && n2 >= min) return undefined;
  return { figure: '', baseline: null, candidate: null, difference: null, interval: null, samples: [n1, n2], test: 'none', pValue: null, classification: 'cannot-judge', reason: `${n1} and ${n2} ${what}: fewer than the ${min} needed` };
}

function trend({ base, cand }: Sides<Extract<PooledSli, { kind: 'trend' }>>, policy: SliPolicy, o: ClassifyOptions): Judged {
  const few = tooFew(base.histogram.count, cand.histogram.count, o.minSamples, 'values');
  if (few) return few;
  const a = sampleOfHistogram(base.histogram);
  const b = sampleOfHistogram(cand.histogram);
  const rank = mannWhitneyU(a, b);
  const tails: QuantileDifference[] = [0.95, 0.99].map((q, i) => bootstrapQuantileDifference(a, b, q, { alpha: o.alpha, resamples: o.resamples, seed: o.seed + i }));
  const m1 = quantileOf(a, 0.5);
  const shift = quantileOf(b, 0.5) - m1;
  // A figure of one run moves with the machine's load; the baseline's runs show by how much.
  const spread = (key: keyof RunQuantiles) => runSpreadFloor(base.perRun.map((r) => r[key]));
  const floorOf = (key: keyof RunQuantiles, value: number) => Math.max(floorAt(policy, value), spread(key));
  const medianBeyond = rank.pValue < o.alpha && Math.abs(rank.effect - 0.5) >= policy.rankEffect && Math.abs(shift) > floorOf('p50', m1);
  const keyOf = (t: QuantileDifference) => (t.q === 0.95 ? 'p95' : 'p99');
  const tailUp = tails.find((t) => t.low > floorOf(keyOf(t), t.baseline));
  const tailDown = tails.find((t) => -t.high > floorOf(keyOf(t), t.baseline));
  const classification = directional(policy.direction, (medianBeyond && shift > 0) || tailUp !== undefined, (medianBeyond && shift < 0) || tailDown !== undefined);
  const p95 = tails[0]!;
  const describe = (t: QuantileDifference) => `p${Math.round(t.q * 100)} ${fmt(t.baseline)} → ${fmt(t.candidate)} ms (${t.difference >= 0 ? '+' : ''}${fmt(t.difference)}, CI ${fmt(t.low)}..${fmt(t.high)}, floor ${fmt(floorOf(keyOf(t), t.baseline))})`;
  const reason =
    `median ${fmt(m1)} → ${fmt(m1 + shift)} ms (Mann-Whitney p=${fmt(rank.pValue, 2)}, A=${fmt(rank.effect, 2)}${medianBeyond ? ', beyond the floors' : ''}); ` + tails.map(describe).join('; ');
  return { figure: 'p95', baseline: p95.baseline, candidate: p95.candidate, difference: p95.difference, interval: [p95.low, p95.high], samples: [a.total, b.total], test: 'mann-whitney+bootstrap', pValue: rank.pValue, classification, reason };
}

function rate({ base, cand }: Sides<Extract<PooledSli, { kind: 'rate' }>>, policy: SliPolicy, o: ClassifyOptions): Judged {
  const few = tooFew(base.total, cand.total, o.minSamples, 'events judged');
  if (few) return few;
  const p1 = base.bad / base.total;
  const p2 = cand.bad / cand.total;
  // The exact test is for the rarer side: the failures of a success rate.
  const flip = (base.bad + cand.bad) / (base.total + cand.total) > 0.5;
  const x1 = flip ? base.total - base.bad : base.bad;
  const x2 = flip ? cand.total - cand.bad : cand.bad;
  const { pValue } = exactRateTest(x1, base.total, x2, cand.total);
  const interval = proportionDifferenceInterval(base.bad, base.total, cand.bad, cand.total, o.alpha);
  const d = p2 - p1;
  const beyond = pValue < o.alpha && Math.abs(d) > floorAt(policy, p1);
  const classification = directional(policy.direction, beyond && d > 0, beyond && d < 0);
  const pct = (v: number) => `${fmt(v * 100)} %`;
  const reason = `${base.bad}/${base.total} (${pct(p1)}) → ${cand.bad}/${cand.total} (${pct(p2)}), ${d >= 0 ? '+' : ''}${fmt(d * 100)} pt, CI ${fmt(interval[0] * 100)}..${fmt(interval[1] * 100)} pt, exact p=${fmt(pValue, 2)}, floor ${fmt(floorAt(policy, p1) * 100)} pt`;
  return { figure: 'rate', baseline: p1, candidate: p2, difference: d, interval, samples: [base.total, cand.total], test: 'exact-binomial', pValue, classification, reason };
}

/**
 * The between-run floor of a figure from k ≥ 2 baseline runs: twice its run-to-run standard deviation, times
 * √(1 + 1/k) for a new single run against the pooled runs (a 2-sigma prediction interval). 0 for one run.
 */
export function runSpreadFloor(values: readonly number[]): number {
  const k = values.length;
  if (k < 2) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / k;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (k - 1));
  return 2 * sd * Math.sqrt(1 + 1 / k);
}

/** Exposure of a counter: arrivals in the window when counted, else seconds. */
export function exposure(window: PooledWindow): number {
  return window.arrivals > 0 ? window.arrivals : window.durationMs / 1_000;
}

function counter({ base, cand, baseWindow, candWindow }: Sides<Extract<PooledSli, { kind: 'counter' }>>, policy: SliPolicy, o: ClassifyOptions): Judged {
  const e1 = exposure(baseWindow);
  const e2 = exposure(candWindow);
  if (e1 <= 0 || e2 <= 0) return tooFew(0, 0, 1, 'units of exposure')!;
  const { pValue } = exactRateTest(base.count, e1, cand.count, e2);
  const scaled = (cand.count * e1) / e2;
  const d = scaled - base.count;
  const [low, high] = rateDifferenceInterval(base.count, e1, cand.count, e2, o.alpha);
  const beyond = pValue < o.alpha && Math.abs(d) > floorAt(policy, base.count);
  const classification = directional(policy.direction, beyond && d > 0, beyond && d < 0);
  const reason = `${base.count} → ${cand.count} (${fmt(scaled)} at the baseline's exposure), ${d >= 0 ? '+' : ''}${fmt(d)}, exact Poisson p=${fmt(pValue, 2)}, floor ${fmt(floorAt(policy, base.count))}`;
  return { figure: 'count', baseline: base.count, candidate: scaled, difference: d, interval: [low * e1, high * e1], samples: [e1, e2], test: 'exact-poisson', pValue, classification, reason };
}

function gauge(base: Extract<PooledSli, { kind: 'gauge' }>, cand: Extract<PooledSli, { kind: 'gauge' }>, policy: SliPolicy): Judged {
  const useMin = policy.direction === 'decrease';
  const b = useMin ? base.min : base.max;
  const c = useMin ? cand.min : cand.max;
  const d = c - b;
  const beyond = Math.abs(d) >= floorAt(policy, b);
  const classification = directional(policy.direction, beyond && d > 0, beyond && d < 0);
  const reason = `${useMin ? 'min' : 'max'} ${fmt(b)} → ${fmt(c)} (${d >= 0 ? '+' : ''}${fmt(d)}, floor ${fmt(floorAt(policy, b))}; sampled levels, no test)`;
  return { figure: useMin ? 'min' : 'max', baseline: b, candidate: c, difference: d, interval: null, samples: [base.runs, cand.runs], test: 'extremes', pValue: null, classification, reason };
}
