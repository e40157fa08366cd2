import { describe, expect, it } from 'vitest';
import { rampSteps } from './ramp-steps.ts';

describe('rampSteps', () => {
  it('reaches `to` at the last step before the fault clears when `for` is a whole number of steps', () => {
    expect(rampSteps({ attribute: 'latency', from: 0, to: 300, step: 1_000 }, 4_000)).toEqual([
      { afterMs: 1_000, value: 100 },
      { afterMs: 2_000, value: 200 },
      { afterMs: 3_000, value: 300 },
    ]);
  });

  it('keeps every step strictly before the end when `for` is not a whole number of steps', () => {
    const steps = rampSteps({ attribute: 'rate', from: 1_000, to: 100, step: 1_000 }, 2_500);
    expect(steps).toEqual([
      { afterMs: 1_000, value: 550 },
      { afterMs: 2_000, value: 100 },
    ]);
  });

  it('has no step when the step is not shorter than the fault', () => {
    expect(rampSteps({ attribute: 'latency', from: 0, to: 100, step: 1_000 }, 1_000)).toEqual([]);
  });
});
