/**
 * How one SLI is judged: which change is bad, its weight in the score, whether it is critical, and the
 * smallest difference that counts. Defaults follow the SLI's meaning and kind; the scenario's `compare.slis`
 * overrides them. SLIs named in `thresholds` or `rollback` are critical unless told otherwise.
 */
import type { Scenario } from '../scenario/scenario-schema.ts';
import { parseThresholdKey } from '../scenario/threshold-key.ts';
import type { SliKind } from '../sli/catalog.ts';

export type Direction = 'increase' | 'decrease' | 'either' | 'none';

export interface SliPolicy {
  /** The change that is bad: `increase` (latency, failures), `decrease` (successes), `either`, or `none` (reported, not judged). */
  direction: Direction;
  weight: number;
  critical: boolean;
  /** Smallest difference that counts, in the SLI's unit (a share for rates, a count per baseline run for counters). */
  floor: number;
  floorRatio: number;
  /**
   * Trends: smallest |A − 0.5| of the rank test that counts, A = P(candidate value > baseline value) (Vargha and
   * Delaney's A; 0.21 means A ≥ 0.71, their "large"). Run-to-run noise on a busy machine moves A by up to ~0.13.
   */
  rankEffect: number;
}

/** SLIs whose fall is the regression. */
const DECREASE_IS_BAD = new Set(['session_setup_success', 'relays_assignable']);
/**
 * SLIs that describe the load or the mix rather than the quality of the release, and the `_uncorrected` twins of
 * latency SLIs: they measure the same replies from the actual send time, so judging both would count one change
 * twice (and let the twin's noise alone move the score).
 */
const NOT_JUDGED = new Set(['reply_latency_uncorrected', 'http_req_duration_uncorrected', 'arrivals', 'schedule_lag', 'leases_issued', 'relay_share', 'webrtc_share', 'relays_new', 'relays_probation', 'relays_active']);

export const DEFAULT_FLOORS: Record<SliKind, { floor: number; floorRatio: number }> = {
  trend: { floor: 5, floorRatio: 0.1 },
  rate: { floor: 0.005, floorRatio: 0 },
  counter: { floor: 1, floorRatio: 0.25 },
  gauge: { floor: 1, floorRatio: 0.5 },
};

/**
 * The bots' queue depth is a sampled backlog whose peak moves with the machine's scheduling: a healthy bot's
 * peak of 4 reads 6 or 7 when the machine is busy (measured, A/A). It counts when it at least doubles and by 5
 * messages or more; a backlog that really builds up reads in the tens or hundreds.
 */
const SLI_FLOORS: Record<string, { floor: number; floorRatio: number }> = {
  queue_depth: { floor: 5, floorRatio: 1 },
};

export const DEFAULT_RANK_EFFECT = 0.21;

export type PolicySource = Pick<Scenario, 'thresholds' | 'rollback' | 'compare'>;

export function sliPolicy(sli: string, kind: SliKind, scenario: PolicySource | undefined): SliPolicy {
  const named = new Set([...Object.keys(scenario?.thresholds ?? {}).map((key) => parseThresholdKey(key).sli), ...(scenario?.rollback ?? []).map((r) => r.sli)]);
  const override = scenario?.compare.slis[sli] ?? {};
  const direction: Direction = override.direction ?? (DECREASE_IS_BAD.has(sli) ? 'decrease' : NOT_JUDGED.has(sli) ? 'none' : 'increase');
  return {
    direction,
    weight: direction === 'none' ? 0 : (override.weight ?? 1),
    critical: direction !== 'none' && (override.critical ?? named.has(sli)),
    floor: override.floor ?? SLI_FLOORS[sli]?.floor ?? DEFAULT_FLOORS[kind].floor,
    floorRatio: override.floorRatio ?? SLI_FLOORS[sli]?.floorRatio ?? DEFAULT_FLOORS[kind].floorRatio,
    rankEffect: override.rankEffect ?? DEFAULT_RANK_EFFECT,
  };
}

/** The floor for a difference from `baselineValue`. */
export function floorAt(policy: SliPolicy, baselineValue: number): number {
  return Math.max(policy.floor, policy.floorRatio * Math.abs(baselineValue));
}
