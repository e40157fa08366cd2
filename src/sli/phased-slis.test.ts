import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../load/latency-histogram.ts';
import type { SliDefinition } from './catalog.ts';
import { PhasedSlis } from './phased-slis.ts';

const definitions: SliDefinition[] = [
  { name: 'failures_auth', kind: 'counter', unit: 'sessions', description: '' },
  { name: 'failures_timeout', kind: 'counter', unit: 'sessions', description: '' },
  { name: 'rejects', kind: 'counter', unit: 'leases', description: '' },
];

describe('phased SLIs', () => {
  it('reports only what was counted when nothing is declared', () => {
    const slis = new PhasedSlis(() => new LatencyHistogram(), 0);
    slis.startPhase('run', 0);
    slis.record((s) => s.count('failures_auth'));
    expect(Object.keys(slis.run.summarize(definitions, 1_000, ''))).toEqual(['failures_auth']);
  });

  it('reports declared counters at 0, in the run and in phases started later, family members included', () => {
    const slis = new PhasedSlis(() => new LatencyHistogram(), 0);
    slis.declareCounters(['failures_auth', 'failures_timeout', 'rejects', 'rejects_WrongRelay']);
    slis.startPhase('baseline', 0);
    slis.record((s) => s.count('failures_auth'));
    slis.startPhase('inject', 1_000);
    const run = slis.run.summarize(definitions, 2_000, '');
    expect(run.failures_auth).toMatchObject({ kind: 'counter', count: 1 });
    expect(run.failures_timeout).toMatchObject({ kind: 'counter', unit: 'sessions', count: 0, rate: 0 });
    expect(run.rejects_WrongRelay).toMatchObject({ kind: 'counter', unit: 'leases', count: 0 });
    const [baseline, inject] = slis.phaseReports(definitions, 2_000);
    expect(baseline!.slis.failures_auth).toMatchObject({ count: 1 });
    expect(inject!.slis.failures_auth).toMatchObject({ count: 0 });
    expect(inject!.slis.rejects_WrongRelay).toMatchObject({ count: 0 });
  });

  it('counts an outcome judged late in the phase of its cause', () => {
    const slis = new PhasedSlis(() => new LatencyHistogram(), 0);
    slis.startPhase('baseline', 0);
    slis.startPhase('inject', 1_000);
    slis.startPhase('after', 2_000);
    // Judged now (in `after`), caused at 1.5 s (in `inject`); before the first phase: the first phase.
    slis.record((s) => s.count('rejects'), 1_500);
    slis.record((s) => s.count('rejects'), 2_500);
    slis.record((s) => s.count('failures_auth'), -10);
    slis.record((s) => s.count('failures_timeout'));
    const [baseline, inject, after] = slis.phaseReports(definitions, 3_000);
    expect(baseline!.slis.rejects).toBeUndefined();
    expect(inject!.slis.rejects).toMatchObject({ count: 1 });
    expect(after!.slis.rejects).toMatchObject({ count: 1 });
    expect(after!.slis.failures_timeout).toMatchObject({ count: 1 });
    expect(slis.run.summarize(definitions, 3_000, '').failures_auth).toMatchObject({ count: 1 });
    expect(baseline!.slis.failures_auth).toMatchObject({ count: 1 });
  });
});
