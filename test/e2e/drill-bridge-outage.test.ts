/**
 * drills/bridge-outage.yaml on a shortened copy (an 8 s outage instead of 30 s, 10 messages/s): on bot 1.4.0 the
 * websocket's backoff (1, 2, 4, 8 s) keeps the bot away for about 7 s after the bridge is back, then it reconnects
 * and replies recover; bot 1.4.0-reconnect-give-up stops after 3 failed connects (1, 3, 7 s) and the drill fails on
 * the reconnect step, naming the websocket condition. The good and the breaking run go side by side.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-schema.ts';
import { runScenarioFile, type FinishedRun } from '../helpers/drill-cli.ts';
import { action, drillVariant } from '../helpers/drill-variant.ts';

const OUTAGE_MS = 8_000;

function shortened(botRelease: string): string {
  return drillVariant('drills/bridge-outage.yaml', (drill) => {
    drill.release = botRelease;
    Object.assign(drill.load, { rate: 10, duration: '36s' });
    action(drill, 'restart').at = '5s';
    Object.assign(action(drill, 'outage'), { at: '12s', body: { downMs: OUTAGE_MS } });
    Object.assign(action(drill, 'outage-bridge-back'), { timeout: '15s', within: '15s' });
    Object.assign(action(drill, 'outage-reconnect'), { timeout: '14s', within: '18s' });
  });
}

const step = (report: Report, name: string) => report.steps.find((s) => s.name === name)!;
const phase = (report: Report, name: string) => report.phases.find((p) => p.name === name)!;

describe('drill bridge-outage', () => {
  let good: FinishedRun;
  let breaking: FinishedRun;
  beforeAll(async () => {
    [good, breaking] = await Promise.all([runScenarioFile(shortened('1.4.0')), runScenarioFile(shortened('1.4.0-reconnect-give-up'))]);
  }, 120_000);

  it('passes on bot 1.4.0: the bot reconnects after its backoff, well after the bridge is back, and replies recover', () => {
    expect(good.code, good.output).toBe(0);
    expect(good.report.verdict).toBe('pass');
    // The bridge was down for the outage: its health answered again after about OUTAGE_MS.
    expect(step(good.report, 'outage-bridge-back').recoveryMs).toBeGreaterThan(OUTAGE_MS - 1_500);
    // Connect attempts at 1, 3, 7 and 15 s after the close: the one at 15 s is the first after the bridge is back.
    const reconnect = step(good.report, 'outage-reconnect');
    expect(reconnect.pass).toBe(true);
    expect(reconnect.detail).toMatch(/websocket_connection_state == 1 held after \d+ ms/);
    expect(reconnect.recoveryMs).toBeGreaterThan(4_000);
    expect(reconnect.sliRecovery!.recoveredAfterMs).toBeGreaterThan(4_000);
    // The short restart: the first attempt a second later finds the bridge back.
    expect(step(good.report, 'restart-reconnect').recoveryMs).toBeLessThan(4_000);
    // At most once: what arrived while the bridge was down or the bot away is lost at the bridge, not parked.
    expect(good.report.slis.bridge_dropped_frames!.count).toBeGreaterThan(50);
    expect(phase(good.report, 'outage-reconnect').slis.replies_missing!.count).toBeGreaterThan(20);
    expect(phase(good.report, 'after-outage-reconnect').slis.replies_missing!.count).toBe(0);
    expect(good.report.duplicateReplies).toBeDefined();
  });

  it('fails on bot 1.4.0-reconnect-give-up: the reconnect step names the websocket that never came back', () => {
    expect(breaking.code, breaking.output).toBe(1);
    expect(breaking.report.verdict).toBe('fail');
    expect(step(breaking.report, 'restart-reconnect').pass).toBe(true);
    expect(step(breaking.report, 'outage-reconnect').pass).toBe(false);
    const failed = breaking.report.reasons.find((r) => r.code === 'step-failed');
    expect(failed?.message).toMatch(/^step outage-reconnect: .*websocket_connection_state == 1.* did not hold within 14000 ms/);
    expect(failed?.message).toMatch(/last seen websocket_connection_state = 0/);
  });
});
