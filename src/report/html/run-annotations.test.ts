import { describe, expect, it } from 'vitest';
import type { Report, TimelineEvent } from '../report-schema.ts';
import { faultBands, runMarks, stepBands } from './run-annotations.ts';

const event = (tMs: number, source: string, type: string, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({ tMs, atMs: 1_000_000 + tMs, source, type, ...extra });

function report(timeline: TimelineEvent[], steps: Report['steps'] = []): Report {
  return {
    timeline,
    steps,
    series: { intervalMs: 1_000, columns: ['tMs'], rows: [[0], [1_000], [2_000], [3_000]] },
    load: { durationMs: 12_000 },
  } as unknown as Report;
}

describe('run annotations', () => {
  it('pairs each inject with the next clear of the same link, and names the fault by its attributes', () => {
    const bands = faultBands(
      report([
        event(2_007, 'fault', 'inject', { target: 'a', detail: 'latency {"latency":300,"jitter":0} downstream for 2 s; verified' }),
        event(3_000, 'fault', 'inject', { target: 'b', detail: 'loss {"probability":0.2} upstream' }),
        event(4_010, 'fault', 'clear', { target: 'a', detail: 'latency' }),
        event(9_000, 'fault', 'inject', { target: 'a', detail: 'bandwidth {"rate":10}' }),
      ]),
    );
    expect(bands).toEqual([
      { kind: 'fault', from: 2.007, to: 4.01, label: 'latency 300 ms · a' },
      // Never cleared: to the end of the load (12 s), not of the series (3 s).
      { kind: 'fault', from: 3, to: 12, label: 'loss 20 % · b' },
      { kind: 'fault', from: 9, to: 12, label: 'bandwidth · a' },
    ]);
  });

  it('runs a step band to its recovery, or to the end when it did not recover', () => {
    const step = { name: 's', action: 'restart', service: 'bot', atMs: 0, tMs: 5_000, pass: true, checks: [] };
    expect(stepBands(report([], [{ ...step, recoveryMs: 422 }, { ...step, name: 't', pass: false }]))).toEqual([
      { kind: 'step', from: 5, to: 5.422, label: 's' },
      { kind: 'step', from: 5, to: 12, label: 't' },
    ]);
  });

  it('marks step actions, recoveries, failed steps and aborts, and nothing else', () => {
    const marks = runMarks(
      report([
        event(-50, 'service', 'started', { target: 'bot' }),
        event(5_000, 'drill', 'step', { target: 'bot', detail: 'bot-restart: restart bot' }),
        event(5_422, 'drill', 'recovered', { target: 'bot', measured: { recoveryMs: 422 } }),
        event(6_000, 'drill', 'step-failed', { target: 'bridge' }),
        event(7_000, 'threshold', 'abort', { detail: 'x' }),
      ]),
    );
    expect(marks).toEqual([
      { kind: 'action', at: 5, label: 'restart bot' },
      { kind: 'recovery', at: 5.422, label: 'recovered 422 ms' },
      { kind: 'failure', at: 6, label: 'step failed: bridge' },
      { kind: 'failure', at: 7, label: 'aborted' },
    ]);
  });
});
