/** The share above the baseline's p99: a heavier tail is caught, an alike run is not, and the runs' spread is the floor. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../common/random.ts';
import { runSpreadFloor } from './sli-classifier.ts';
import { tailExceedance } from './tail-exceedance.ts';
import { sampleOfValues } from './weighted-sample.ts';

/** n replies of 150–210 ms; every `tailEvery`-th one `tailMs` slower. */
function replies(seed: number, n: number, tailEvery?: number, tailMs = 0) {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => Math.round(150 + random.next() * 60 + (tailEvery && (i + 1) % tailEvery === 0 ? tailMs : 0)));
}

const options = { alpha: 0.01, spreadFloor: runSpreadFloor };
const runs = [1, 2, 3].map((seed) => replies(seed, 400));
const baseline = sampleOfValues(runs.flat());
const baselineRuns = runs.map((r) => sampleOfValues(r));

describe('tailExceedance', () => {
  it('finds one reply in 25 made 400 ms slower: about 1 % → 5 % above the baseline p99', () => {
    const result = tailExceedance(baseline, baselineRuns, sampleOfValues(replies(4, 400, 25, 400)), options);
    expect(result.thresholdMs).toBeGreaterThan(200);
    expect(result.baseline).toBeLessThanOrEqual(0.01);
    expect(result.candidate).toBeGreaterThan(0.04);
    expect(result.pValue).toBeLessThan(1e-4);
    expect(result.beyond).toBe('up');
  });

  it('leaves a run of the same release alone', () => {
    const result = tailExceedance(baseline, baselineRuns, sampleOfValues(replies(5, 400)), options);
    expect(result.beyond).toBeUndefined();
  });

  it('takes the spread of the baseline runs as the floor: runs that differ this much on their own do not count', () => {
    // One baseline run has a tail of its own (the machine's load): the floor widens past the candidate's rise.
    const noisy = [replies(1, 400), replies(2, 400, 20, 400), replies(3, 400)];
    const result = tailExceedance(sampleOfValues(noisy.flat()), noisy.map((r) => sampleOfValues(r)), sampleOfValues(replies(4, 400, 25, 400)), options);
    expect(result.floor).toBeGreaterThan(0.03);
    expect(result.beyond).toBeUndefined();
  });
});
