import { describe, expect, it } from 'vitest';
import type { Report } from '../report-schema.ts';
import { thresholdsSection } from './run-tables.ts';
import { verdictReasons } from './run-verdict.ts';

const threshold = (pass: boolean, observed: number) => ({
  sli: 'reply_latency',
  expression: 'p(50)<100',
  phase: 'fault-0',
  observed,
  pass,
  abortOnFail: false,
});
const phase = (name: string, p50: number) => ({
  name,
  startMs: 0,
  endMs: 1,
  slis: { reply_latency: { kind: 'trend' as const, unit: 'ms', count: 10, percentiles: { p50 } } },
});

function report(overrides: Partial<Report>): Report {
  return {
    slis: { reply_latency: { kind: 'trend', unit: 'ms', count: 20 } },
    thresholds: [],
    steps: [],
    errors: [],
    reasons: [],
    timeline: [],
    phases: [phase('baseline', 4), phase('fault-0', 316)],
    ...overrides,
  } as unknown as Report;
}

describe('run verdict and thresholds', () => {
  it('names what decided a failed run: the breached threshold with its value, the step that did not recover, errors', () => {
    const reasons = verdictReasons(
      report({
        thresholds: [threshold(true, 5), threshold(false, 316)],
        steps: [
          {
            name: 'outage',
            action: 'stop',
            service: 'bridge',
            atMs: 0,
            tMs: 1_000,
            pass: false,
            checks: [],
            error: 'not recovered within 1000 ms',
          },
        ],
        errors: ['FaultError: x'],
      }),
    );
    expect(reasons).toEqual([
      'reply_latency p(50)<100 in fault-0: observed 316 ms',
      'drill step outage (stop bridge) did not recover: not recovered within 1000 ms',
      'error: FaultError: x',
    ]);
  });

  it('names the verdict reasons the page cannot word itself: a steady state that did not hold, an abort, a failed rollback', () => {
    const reasons = verdictReasons(
      report({
        verdict: 'not-steady',
        reasons: [
          { code: 'not-steady', message: 'steady state before the method: master-ready does not hold', observed: 'status 503' },
          { code: 'aborted', message: 'abortOnFail probe dlq-empty breached; the method stopped and the rollbacks ran', observed: '3' },
          { code: 'rollback-failed', message: 'undrain: status 401' },
          { code: 'threshold', message: 'worded by the page itself' },
        ],
      }),
    );
    expect(reasons).toEqual([
      'steady state before the method: master-ready does not hold: observed status 503',
      'abortOnFail probe dlq-empty breached; the method stopped and the rollbacks ran: observed 3',
      'undrain: status 401',
    ]);
  });

  it('says what held when nothing failed', () => {
    const steps = [{ name: 's', action: 'restart', service: 'bot', atMs: 0, tMs: 0, recoveryMs: 420, pass: true, checks: [] }];
    expect(verdictReasons(report({ thresholds: [threshold(true, 5)], steps }))).toEqual(['1 threshold(s) held', 's recovered in 0.42 s']);
  });

  it('gives the threshold figure of every phase, the judged one marked', () => {
    const html = thresholdsSection(report({ thresholds: [threshold(false, 316)] }));
    expect(html).toContain('<td class="num">4.00</td><td class="num judged">316</td>');
    expect(html).toContain('✘ fail');
  });
});
