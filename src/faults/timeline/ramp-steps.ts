/**
 * When a ramp updates its toxic and to what. The toxic is added at `from`; every `stepMs` after that it moves
 * linearly, reaching `to` at the last step that comes strictly before the fault clears, so no update ever meets
 * the toxic's removal (a fault of 3 s in steps of 1 s updates at 1 s and 2 s, then holds `to` until 3 s).
 */

export interface RampSpec {
  attribute: string;
  from: number;
  to: number;
  /** Time between updates, ms. */
  step: number;
}

export interface RampStep {
  /** Time of the update from the fault's start, ms. */
  afterMs: number;
  value: number;
}

/** The updates of a ramp over a fault lasting `forMs`; none when `step` is not shorter than `forMs`. */
export function rampSteps(ramp: RampSpec, forMs: number): RampStep[] {
  const count = Math.ceil(forMs / ramp.step) - 1;
  const steps: RampStep[] = [];
  for (let i = 1; i <= count; i++) {
    steps.push({ afterMs: i * ramp.step, value: ramp.from + ((ramp.to - ramp.from) * i) / count });
  }
  return steps;
}
