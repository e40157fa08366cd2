/** The result of comparing one SLI in one window, as `drill compare` prints it and the gate writes it. */
import type { Direction } from './sli-policy.ts';

/** Pass: no difference that matters; High/Low: a significant difference beyond the floor in a bad direction. */
export type Classification = 'pass' | 'high' | 'low' | 'nodata' | 'cannot-judge';

export interface SliComparison {
  sli: string;
  /** `run` (the whole load) or a phase. */
  phase: string;
  kind: string;
  unit: string;
  direction: Direction;
  weight: number;
  critical: boolean;
  /** The figure compared: p95 for trends, the bad share for rates, the count for counters (candidate scaled to the baseline's exposure), max/min for gauges. */
  figure: string;
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline. */
  difference: number | null;
  /** (1 − alpha) interval of the difference. */
  interval: [number, number] | null;
  /** Samples (trend values, judged events, exposure) on each side. */
  samples: [number, number];
  /** The test that decided: `mann-whitney+bootstrap`, `exact-binomial`, `exact-poisson`, `extremes`. */
  test: string;
  pValue: number | null;
  classification: Classification;
  /** Why, in a sentence with the figures. */
  reason: string;
}

export function notJudged(base: Omit<SliComparison, 'classification' | 'reason' | 'figure' | 'baseline' | 'candidate' | 'difference' | 'interval' | 'pValue' | 'test' | 'samples'>, classification: 'nodata' | 'cannot-judge', reason: string, samples: [number, number] = [0, 0]): SliComparison {
  return { ...base, figure: '', baseline: null, candidate: null, difference: null, interval: null, samples, test: 'none', pValue: null, classification, reason };
}

/** High/Low when `increased`/`decreased` is significant and beyond the floor, and that direction is bad. */
export function directional(direction: Direction, increased: boolean, decreased: boolean): Classification {
  if (direction === 'none') return 'pass';
  if (increased && direction !== 'decrease') return 'high';
  if (decreased && direction !== 'increase') return 'low';
  return 'pass';
}
