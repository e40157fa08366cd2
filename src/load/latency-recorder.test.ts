import { describe, expect, it } from 'vitest';
import { LatencyRecorder } from './latency-recorder.ts';

describe('LatencyRecorder', () => {
  it('measures corrected latency from the intended start and uncorrected from the send', () => {
    const recorder = new LatencyRecorder();
    // Intended at 100 ms, queued behind a stall, sent at 900 ms, answered at 905 ms.
    recorder.record(100, 900, 905);
    expect(recorder.count).toBe(1);
    expect(recorder.corrected.maxMs).toBeCloseTo(805, 0);
    expect(recorder.uncorrected.maxMs).toBeCloseTo(5, 1);
  });

  it('times a request sent before its intended start from its send', () => {
    const recorder = new LatencyRecorder();
    // Intended at 100 ms, sent 0.8 ms early (the scheduler's timer slack), answered at 101 ms.
    recorder.record(100, 99.2, 101);
    expect(recorder.corrected.maxMs).toBeCloseTo(1.8, 2);
    expect(recorder.uncorrected.maxMs).toBeCloseTo(1.8, 2);
  });

  it('round-trips and merges both histograms', () => {
    const a = new LatencyRecorder();
    const b = new LatencyRecorder();
    for (let i = 0; i < 1_000; i++) (i % 3 === 0 ? a : b).record(i, i + (i % 7), i + 10 + (i % 13));
    const merged = LatencyRecorder.fromJSON(JSON.parse(JSON.stringify(a))).merge(LatencyRecorder.fromJSON(JSON.parse(JSON.stringify(b))));
    expect(merged.count).toBe(1_000);
    expect(merged.corrected.summary()).toEqual(a.merge(b).corrected.summary());
    expect(merged.uncorrected.percentileMs(99)).toBe(a.uncorrected.percentileMs(99));
  });
});
