import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../load/latency-histogram.ts';
import { sliCatalog } from './catalog.ts';
import { SliSet } from './sli-set.ts';

const queueDepth = sliCatalog['signal']!.find((sli) => sli.name === 'queue_depth')!;

describe('SliSet gauges', () => {
  it('keep a fixed few figures per gauge however many samples: a day of samples every 100 ms', () => {
    const set = new SliSet('run', () => new LatencyHistogram());
    const samples = 864_000;
    for (let i = 0; i < samples; i++) set.gauge('queue_depth', (i * 37) % 1_000);
    set.gauge('queue_depth', 500);
    const stats = set.gauges.get('queue_depth')!;
    expect(Object.keys(stats)).toHaveLength(5);
    expect(stats.samples).toBe(samples + 1);
    const value = set.summarize([queueDepth], 1_000, '')['queue_depth'];
    expect(value).toMatchObject({ kind: 'gauge', value: 500, min: 0, max: 999 });
    expect(value?.avg).toBeCloseTo((499.5 * samples + 500) / (samples + 1), 6);
  });
});
