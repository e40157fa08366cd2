/**
 * drills/dlq-replay.yaml and dlq-replay-unpaused.yaml, the bot on a real Redis: a backlog of failed replies
 * (redeliveries among them, so some messages are parked twice) survives a bot restart and is replayed once the
 * cause is fixed. With the load paused, the known-good loop (bot 1.4.0-replay-once) answers every parked message
 * once: the oracle sees no reply missing and none twice. Upstream's loop (bot 1.4.0) answers a message parked twice
 * twice, and the verdict names those messages. Without the pause, redeliveries answered live are answered again
 * by the replay, and the unpaused drill reports them. The three runs go side by side.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-schema.ts';
import { runScenarioFile, type FinishedRun } from '../helpers/drill-cli.ts';
import { drillVariant } from '../helpers/drill-variant.ts';

const step = (report: Report, name: string) => report.steps.find((s) => s.name === name)!;

describe('drill dlq-replay', () => {
  let good: FinishedRun;
  let breaking: FinishedRun;
  let unpaused: FinishedRun;
  beforeAll(async () => {
    const upstreamLoop = drillVariant('drills/dlq-replay.yaml', (drill) => (drill.release = '1.4.0'));
    [good, breaking, unpaused] = await Promise.all([
      runScenarioFile('drills/dlq-replay.yaml'),
      runScenarioFile(upstreamLoop),
      runScenarioFile('drills/dlq-replay-unpaused.yaml'),
    ]);
  }, 150_000);

  it('passes on the known-good loop with the load paused: every parked message answered, none twice', () => {
    expect(good.code, good.output).toBe(0);
    expect(good.report.verdict).toBe('pass');
    // The DLQ was in Redis: the restarted bot still had the backlog.
    expect(step(good.report, 'replica-restart').checks.every((c) => c.passedAfterMs !== undefined)).toBe(true);
    const replay = JSON.parse(step(good.report, 'replay').detail!.replace(/^POST \/_drill\/dlq\/replay → 200 /, '')) as Record<string, number>;
    expect(replay.replayed).toBeGreaterThanOrEqual(40);
    // Messages parked twice (a redelivery that failed again) ran once.
    expect(replay.duplicates).toBeGreaterThanOrEqual(1);
    expect(good.report.slis.duplicate_replies!.count).toBe(0);
    expect(good.report.duplicateReplies).toEqual([]);
    expect(good.report.slis.replies_missing!.count).toBe(0);
  });

  it("fails on upstream's loop (bot 1.4.0): a message parked twice is answered twice, and the verdict names it", () => {
    expect(breaking.code, breaking.output).toBe(1);
    expect(breaking.report.verdict).toBe('fail');
    const named = breaking.report.duplicateReplies!;
    expect(named.length).toBeGreaterThanOrEqual(1);
    expect(named.every((d) => /^\+1555\d{7}\|\d{13}$/.test(d.message) && d.replies === 2)).toBe(true);
    const reason = breaking.report.reasons.find((r) => r.code === 'threshold' && r.message.startsWith('duplicate_replies count<1'));
    expect(reason?.message).toContain(`answered more than once: ${named[0]!.message} (2 replies)`);
  });

  it('without the pause, reports the messages answered twice', () => {
    expect(unpaused.code, unpaused.output).toBe(0);
    expect(unpaused.report.verdict).toBe('pass');
    expect(unpaused.report.slis.duplicate_replies!.count).toBeGreaterThanOrEqual(1);
    expect(unpaused.report.duplicateReplies!.length).toBe(unpaused.report.slis.duplicate_replies!.count);
  });
});
