/**
 * The arrival rate of a load as a piecewise-linear profile (k6's ramping-arrival-rate shape; a constant rate is
 * one flat stage), cut into phase windows and inverted to the intended start of the n-th arrival.
 */
import type { Scenario } from '../../scenario/scenario-schema.ts';

export interface RateProfile {
  /** Arrivals per `timeUnitMs` at the start. */
  startRate: number;
  timeUnitMs: number;
  stages: { target: number; durationMs: number }[];
}

export function rateProfile(load: Scenario['load']): RateProfile {
  if (load.executor === 'constant-arrival-rate') {
    return { startRate: load.rate, timeUnitMs: load.timeUnit, stages: [{ target: load.rate, durationMs: load.duration }] };
  }
  return {
    startRate: load.startRate,
    timeUnitMs: load.timeUnit,
    stages: load.stages.map((s) => ({ target: s.target, durationMs: s.duration })),
  };
}

/** Arrivals per time unit at `atMs` from the start. */
export function rateAt(profile: RateProfile, atMs: number): number {
  let from = profile.startRate;
  let t = 0;
  for (const stage of profile.stages) {
    if (atMs <= t + stage.durationMs) return from + ((stage.target - from) * (atMs - t)) / stage.durationMs;
    t += stage.durationMs;
    from = stage.target;
  }
  return from;
}

/** The part of the profile between `fromMs` and `toMs`, as a profile of its own. */
export function sliceProfile(profile: RateProfile, fromMs: number, toMs: number): RateProfile {
  const stages: RateProfile['stages'] = [];
  let t = 0;
  for (const stage of profile.stages) {
    const start = Math.max(t, fromMs);
    const end = Math.min(t + stage.durationMs, toMs);
    if (end > start) stages.push({ target: rateAt(profile, end), durationMs: end - start });
    t += stage.durationMs;
  }
  return { startRate: rateAt(profile, fromMs), timeUnitMs: profile.timeUnitMs, stages };
}

/** Expected arrivals over the whole profile. */
export function expectedArrivals(profile: RateProfile): number {
  let from = profile.startRate;
  let total = 0;
  for (const stage of profile.stages) {
    total += ((from + stage.target) / 2) * (stage.durationMs / profile.timeUnitMs);
    from = stage.target;
  }
  return total;
}

export function peakRatePerSecond(profile: RateProfile): number {
  return (Math.max(profile.startRate, ...profile.stages.map((s) => s.target)) * 1_000) / profile.timeUnitMs;
}
