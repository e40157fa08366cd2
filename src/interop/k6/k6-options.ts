/**
 * The `options` object of an exported k6 script: one k6 scenario per phase window (same executor, rates, stages,
 * maxVUs and gracefulStop as drill's load, `startTime` at the window and the tag `phase`), drill's thresholds in
 * k6's grammar, and the trend statistics drill reports.
 */
import type { Scenario } from '../../scenario/scenario-schema.ts';
import { mapThresholds, type K6Threshold } from './k6-thresholds.ts';
import { phaseWindows, type PhaseWindow } from './phase-windows.ts';
import { peakRatePerSecond, rateProfile, sliceProfile, type RateProfile } from './rate-profile.ts';

export interface K6ArrivalScenario {
  executor: 'constant-arrival-rate' | 'ramping-arrival-rate';
  exec: string;
  startTime: string;
  gracefulStop: string;
  timeUnit: string;
  preAllocatedVUs: number;
  maxVUs: number;
  tags: { phase: string };
  rate?: number;
  duration?: string;
  startRate?: number;
  stages?: { target: number; duration: string }[];
}

export interface K6Options {
  scenarios: Record<string, K6ArrivalScenario>;
  thresholds: Record<string, (string | K6Threshold)[]>;
  summaryTrendStats: string[];
}

export interface ExportedOptions {
  options: K6Options;
  windows: PhaseWindow[];
  /** Per k6 scenario: its part of the rate profile, for the intended start time of each iteration. */
  profiles: Record<string, RateProfile>;
  notExported: string[];
}

export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'];

const ms = (value: number) => `${Math.round(value)}ms`;

function arrivalScenario(scenario: Scenario, window: PhaseWindow, profile: RateProfile): K6ArrivalScenario {
  const load = scenario.load;
  const base = {
    exec: 'arrival',
    startTime: ms(window.startMs),
    gracefulStop: ms(load.gracefulStop),
    timeUnit: ms(load.timeUnit),
    // k6 starts this many VUs up front and grows to maxVUs as iterations wait; drill's maxVUs is the in-flight cap.
    preAllocatedVUs: Math.min(load.maxVUs, Math.max(1, Math.ceil(peakRatePerSecond(profile)))),
    maxVUs: load.maxVUs,
    tags: { phase: window.name },
  };
  if (load.executor === 'constant-arrival-rate') {
    return { ...base, executor: 'constant-arrival-rate', rate: load.rate, duration: ms(window.endMs - window.startMs) };
  }
  return {
    ...base,
    executor: 'ramping-arrival-rate',
    startRate: profile.startRate,
    stages: profile.stages.map((s) => ({ target: s.target, duration: ms(s.durationMs) })),
  };
}

/** `produced`: the SLIs the workload's k6 script measures. */
export function exportOptions(scenario: Scenario, produced: ReadonlySet<string>, stepRecoveryMs: number): ExportedOptions {
  const windows = phaseWindows(scenario, stepRecoveryMs);
  const whole = rateProfile(scenario.load);
  const scenarios: Record<string, K6ArrivalScenario> = {};
  const profiles: Record<string, RateProfile> = {};
  for (const window of windows) {
    const name = `load_${window.name.replace(/[^A-Za-z0-9_]/g, '_')}`;
    profiles[name] = sliceProfile(whole, window.startMs, window.endMs);
    scenarios[name] = arrivalScenario(scenario, window, profiles[name]);
  }
  const { thresholds, notExported } = mapThresholds(scenario, produced);
  return { options: { scenarios, thresholds, summaryTrendStats: SUMMARY_TREND_STATS }, windows, profiles, notExported };
}
