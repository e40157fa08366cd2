import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../scenario/scenario-loader.ts';
import { playbookMethod } from '../../scenario/method-schema.ts';
import { scenarioSchema, type Scenario } from '../../scenario/scenario-schema.ts';
import { parse } from 'yaml';
import { exportOptions } from './k6-options.ts';
import { scheduleMs } from './phase-windows.ts';
import { expectedArrivals, type RateProfile } from './rate-profile.ts';
import { runtimeSource } from './script-runtime.ts';

const shipped = [
  'scenarios/signal-baseline.yaml',
  'scenarios/signal-faults.yaml',
  'scenarios/wavry-baseline.yaml',
  'drills/master-restart.yaml',
  'drills/rollback.yaml',
];
const load = (file: string): Scenario => parseScenario(readFileSync(file, 'utf8'), file).scenario;
const msOf = (text: string) => Number(/^(\d+)ms$/.exec(text)![1]);
const everything = new Set([
  'reply_latency',
  'replies_missing',
  'duplicate_replies',
  'session_setup_success',
  'http_req_duration',
  'http_req_failed',
]);

const ramping = scenarioSchema.parse(
  parse(`name: ramp
release: "1"
services: { web: { kind: bridge } }
load: { executor: ramping-arrival-rate, startRate: 0, timeUnit: 1s, stages: [{ target: 10, duration: 10s }, { target: 10, duration: 10s }], maxVUs: 50, gracefulStop: 2s }
workload: { type: http, target: http://127.0.0.1:9/ }
faults: { timeline: [{ at: 5s, for: 10s, link: web->web, type: latency, latency: 10 }] }
thresholds:
  http_req_duration: ["p(95)<200", "count<10"]
  http_req_failed{phase:after-0}: ["rate<0.01"]
`),
);

/** The emitted `offsetOfArrival`, compiled from the script's TypeScript and run. */
function emittedOffset(profile: RateProfile, n: number): number {
  const js = ts.transpileModule(runtimeSource({}, [], 1), { compilerOptions: { target: ts.ScriptTarget.ES2020 } }).outputText;
  return new Function(`${js}; return offsetOfArrival;`)()(profile, n) as number;
}

describe('k6 options of an exported scenario', () => {
  it.each(shipped)('%s keeps the executor, rate, maxVUs, gracefulStop and covers the schedule once', (file) => {
    const scenario = load(file);
    const { options, windows } = exportOptions(scenario, everything, 5_000);
    const arrivalScenarios = Object.values(options.scenarios);
    if (scenario.load.executor !== 'constant-arrival-rate') throw new Error('shipped scenarios are constant-arrival-rate');
    let atMs = 0;
    for (const [i, k6] of arrivalScenarios.entries()) {
      expect(k6).toMatchObject({
        executor: 'constant-arrival-rate',
        rate: scenario.load.rate,
        maxVUs: scenario.load.maxVUs,
        tags: { phase: windows[i]!.name },
      });
      expect(msOf(k6.timeUnit)).toBe(scenario.load.timeUnit);
      expect(msOf(k6.gracefulStop)).toBe(scenario.load.gracefulStop);
      expect(msOf(k6.startTime)).toBe(atMs);
      atMs += msOf(k6.duration!);
    }
    expect(atMs).toBe(scenario.load.duration);
    const timed = scenario.faults.timeline.length + playbookMethod(scenario).length > 0;
    expect(windows[0]!.name).toBe(timed ? 'baseline' : 'run');
  });

  it('writes the thresholds in k6 grammar, phased ones as sub-metrics, and lists what k6 cannot judge', () => {
    const rollback = exportOptions(load('drills/rollback.yaml'), everything, 5_000);
    expect(rollback.options.thresholds).toEqual({
      'reply_latency{phase:baseline}': ['p(50)>=150'],
      'reply_latency{phase:after-rollback}': ['p(50)<50', 'p(99)<500'],
      'replies_missing{phase:after-rollback}': ['rate<0.01'],
      duplicate_replies_count: ['count<1'],
    });
    expect(rollback.windows.map((w) => [w.name, w.startMs, w.endMs])).toEqual([
      ['baseline', 0, 20_000],
      ['rollback', 20_000, 25_000],
      ['after-rollback', 25_000, 40_000],
    ]);
    const baseline = exportOptions(
      load('scenarios/signal-baseline.yaml'),
      new Set(['reply_latency', 'replies_missing', 'duplicate_replies']),
      5_000,
    );
    expect(baseline.options.thresholds['dropped_iterations']).toEqual(['count<1']);
    expect(baseline.notExported).toEqual(['bridge_dropped_frames: count<1: the k6 script does not measure it']);
    // k6 has no `count` on a trend: refused, with the reason.
    expect(exportOptions(ramping, everything, 5_000).notExported).toEqual([
      'http_req_duration: count<10: k6 has no `count` on a trend (it has avg, min, max, med, percentile)',
    ]);
  });

  it('cuts a ramping rate at the phase bounds without changing the arrivals it schedules', () => {
    const { options, profiles } = exportOptions(ramping, everything, 5_000);
    expect(Object.keys(options.scenarios)).toEqual(['load_baseline', 'load_fault_0_latency', 'load_after_0']);
    expect(options.scenarios['load_fault_0_latency']).toMatchObject({
      executor: 'ramping-arrival-rate',
      startRate: 5,
      stages: [
        { target: 10, duration: '5000ms' },
        { target: 10, duration: '5000ms' },
      ],
    });
    const total = Object.values(profiles).reduce((sum, p) => sum + expectedArrivals(p), 0);
    expect(total).toBeCloseTo(150, 9); // 0→10/s over 10 s (50) + 10/s for 10 s (100)
    expect(scheduleMs(ramping.load)).toBe(20_000);
  });

  it('places the n-th arrival where the rate profile puts it', () => {
    expect(emittedOffset({ startRate: 20, timeUnitMs: 1_000, stages: [{ target: 20, durationMs: 10_000 }] }, 10)).toBeCloseTo(500, 9);
    // 0 → 10/s over 10 s: arrivals(t) = t²/2 (t in s), 50 in the ramp; then 10 a second.
    const ramp: RateProfile = {
      startRate: 0,
      timeUnitMs: 1_000,
      stages: [
        { target: 10, durationMs: 10_000 },
        { target: 10, durationMs: 10_000 },
      ],
    };
    expect(emittedOffset(ramp, 5)).toBeCloseTo(Math.sqrt(10) * 1_000, 6);
    expect(emittedOffset(ramp, 12.5)).toBeCloseTo(5_000, 6);
    expect(emittedOffset(ramp, 50)).toBeCloseTo(10_000, 6);
    expect(emittedOffset(ramp, 65)).toBeCloseTo(11_500, 6);
  });
});
