import { describe, expect, it } from 'vitest';
import { OPEN_LATENCY_BUCKETS, SeriesRecorder } from './series-recorder.ts';

describe('SeriesRecorder', () => {
  it('holds only the open buckets of latencies however long the run, with exact p50/p95/p99 per bucket', () => {
    const startMs = 1_700_000_000_000;
    const series = new SeriesRecorder(1_000, startMs, 'latency');
    const perSecond = 200;
    const seconds = 600;
    let most = 0;
    for (let second = 0; second < seconds; second++) {
      for (let i = 0; i < perSecond; i++) {
        const atMs = startMs + second * 1_000 + (i * 1_000) / perSecond;
        // Latencies 1..200 ms in each second, plus the second's number: p50 = 100 + s, p95 = 190 + s, p99 = 198 + s.
        series.latency(atMs, ((i * 7) % perSecond) + 1 + second);
        series.add('replies', atMs);
      }
      most = Math.max(most, series.openLatencies);
    }
    expect(most).toBeLessThanOrEqual(OPEN_LATENCY_BUCKETS * perSecond);
    expect(series.lateLatencies).toBe(0);
    const { columns, rows } = series.toJSON(startMs + seconds * 1_000 - 1);
    expect(columns).toEqual(['tMs', 'replies', 'latency_p50', 'latency_p95', 'latency_p99']);
    expect(rows).toHaveLength(seconds);
    for (const second of [0, 1, 299, 598, 599]) expect(rows[second]).toEqual([second * 1_000, perSecond, 100 + second, 190 + second, 198 + second]);
  });

  it('leaves out, and counts, a latency that lands in a bucket already closed', () => {
    const series = new SeriesRecorder(1_000, 0, 'latency');
    series.latency(500, 10);
    series.latency(1_500, 20);
    series.latency(2_500, 30);
    // Bucket 0 closed when bucket 2 opened; bucket 1 is still open.
    series.latency(400, 99);
    series.latency(1_400, 21);
    expect(series.lateLatencies).toBe(1);
    expect(series.toJSON(2_999).rows).toEqual([
      [0, 10, 10, 10],
      [1_000, 20, 21, 21],
      [2_000, 30, 30, 30],
    ]);
  });
});
