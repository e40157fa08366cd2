/**
 * What saturated first: with the steps sorted by offered rate, the first step where a signal reached
 * SATURATED (80 % of its limit) names it, the highest-level signal of that step. When nothing reached it, the
 * highest signal of the highest step is named with a note that the limit lies elsewhere. A step the generator
 * limited names the load generator's schedule lag.
 */
import type { CapacityStep, CapacitySweep } from './capacity-report-schema.ts';

export const SATURATED = 0.8;

export function saturatedFirst(steps: readonly CapacityStep[], lagBoundMs: number): CapacitySweep['saturated'] {
  const sorted = [...steps].sort((a, b) => a.offered - b.offered);
  const lagged = sorted.find((s) => s.limitedBy === 'lag');
  for (const step of sorted) {
    if (lagged && step.offered >= lagged.offered) break;
    const top = topSignal(step);
    if (top && top.level! >= SATURATED) {
      return { ...top, atRate: step.offered, detail: `${top.component} ${top.signal} reached ${pct(top.level!)} of its limit at ${step.offered}/s` };
    }
  }
  if (lagged) {
    const lag = lagged.lagP99Ms ?? 0;
    return {
      component: 'load generator',
      signal: 'schedule_lag',
      value: lag,
      unit: 'ms p99',
      level: Math.round((lag / lagBoundMs) * 1000) / 1000,
      atRate: lagged.offered,
      detail: `the load generator fell behind at ${lagged.offered}/s (schedule lag p99 ${lag} ms > ${lagBoundMs} ms) before any service saturated`,
    };
  }
  const last = sorted.at(-1);
  const top = last ? topSignal(last) : undefined;
  if (!last || !top) return null;
  return { ...top, atRate: last.offered, detail: `no measured signal reached ${pct(SATURATED)}; the highest was ${top.component} ${top.signal} at ${pct(top.level!)} (${last.offered}/s): the limit lies elsewhere` };
}

function topSignal(step: CapacityStep): CapacityStep['signals'][number] | undefined {
  return step.signals.filter((s) => s.level !== null).sort((a, b) => b.level! - a.level!)[0];
}

const pct = (level: number) => `${Math.round(level * 100)} %`;
