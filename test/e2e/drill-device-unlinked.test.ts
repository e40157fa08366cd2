/**
 * drills/device-unlinked.yaml on a shortened copy: sends refused with 400 "User +X is not registered." open the
 * breaker of bot 1.4.0 (any exception counts), intake pauses, the DLQ parks the failures as `api_error`, and
 * after the relink replies recover. Bot 1.4.0-breaker-ignores-4xx never opens it, and the drill fails on the
 * unlink step, naming the breaker and intake-pause conditions. The good and the breaking run go side by side.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-schema.ts';
import { runScenarioFile, type FinishedRun } from '../helpers/drill-cli.ts';
import { action, drillVariant } from '../helpers/drill-variant.ts';

function shortened(botRelease: string): string {
  return drillVariant('drills/device-unlinked.yaml', (drill) => {
    drill.release = botRelease;
    drill.load.duration = '21s';
    drill.load.gracefulStop = '5s';
    action(drill, 'unlink').at = '5s';
    action(drill, 'relink').at = '11s';
  });
}

const step = (report: Report, name: string) => report.steps.find((s) => s.name === name)!;
const phase = (report: Report, name: string) => report.phases.find((p) => p.name === name)!;

describe('drill device-unlinked', () => {
  let good: FinishedRun;
  let breaking: FinishedRun;
  beforeAll(async () => {
    [good, breaking] = await Promise.all([runScenarioFile(shortened('1.4.0')), runScenarioFile(shortened('1.4.0-breaker-ignores-4xx'))]);
  }, 120_000);

  it('passes on bot 1.4.0: breaker open, intake paused, failures parked with their reason, replies back after the relink', () => {
    expect(good.code, good.output).toBe(0);
    expect(good.report.verdict).toBe('pass');
    expect(step(good.report, 'unlink').checks.map((c) => [c.target.split(' ')[1], c.passedAfterMs !== undefined])).toEqual([
      ['circuit_breaker_state{state="open"}', true],
      ['ingest_pauses_total{reason="circuit_open"}', true],
      ['drill_harness_dlq_records{reason="api_error"}', true],
    ]);
    expect(phase(good.report, 'after-unlink').slis.dlq_depth!.max).toBeGreaterThanOrEqual(5);
    expect(phase(good.report, 'after-unlink').slis.breaker_open_time!.count).toBeGreaterThan(0);
    const relink = step(good.report, 'relink');
    expect(relink.pass).toBe(true);
    expect(relink.sliRecovery!.recoveredAfterMs).toBeDefined();
    expect(phase(good.report, 'after-relink').slis.replies_missing!.count).toBe(0);
    // Most messages sent while unlinked are never answered; those the paused bot left unread on its websocket are
    // answered late, after the relink.
    expect(phase(good.report, 'after-unlink').slis.replies_missing!.rate).toBeGreaterThan(0.3);
  });

  it('fails on bot 1.4.0-breaker-ignores-4xx: the unlink step names the breaker that never opened', () => {
    expect(breaking.code, breaking.output).toBe(1);
    expect(breaking.report.verdict).toBe('fail');
    const failed = breaking.report.reasons.find((r) => r.code === 'step-failed');
    expect(failed?.message).toMatch(/^step unlink: not recovered within 10000 ms: .*circuit_breaker_state\{state="open"\} >= 1 at \/metrics: circuit_breaker_state\{state="open"\} = 0/);
    expect(failed?.message).toMatch(/ingest_pauses_total\{reason="circuit_open"\} >= 1/);
    // The 400s still reach the DLQ with their reason: only the breaker is broken.
    const dlqCheck = step(breaking.report, 'unlink').checks.find((c) => c.target.includes('drill_harness_dlq_records'));
    expect(dlqCheck?.passedAfterMs).toBeDefined();
    expect(phase(breaking.report, 'unlink').slis.breaker_open_time?.count ?? 0).toBe(0);
  });
});
