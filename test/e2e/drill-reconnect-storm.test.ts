/**
 * drills/reconnect-storm.yaml end to end: 8 bot processes (8 accounts) behind partitioned links reconnect at once
 * when the partition heals, against a bridge that limits reconnects (0.100-reconnect-limit). With jittered,
 * capped backoff (bot 1.4.0-reconnect-jitter) everyone is back within the drill's 9 s; with upstream's backoff
 * (bot 1.4.0: 1, 2, 4, 8 s, no jitter) the bots retry together, most are refused, and the refused ones stay away
 * 8 s more: the drill fails on its everyone-back probe.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runScenarioFile } from '../helpers/drill-cli.ts';

const DRILL = path.resolve(import.meta.dirname, '../../drills/reconnect-storm.yaml');

function drillAtRelease(release: string): string {
  const drill = parse(readFileSync(DRILL, 'utf8')) as { release: string };
  drill.release = release;
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-storm-')), 'reconnect-storm.yaml');
  writeFileSync(file, stringify(drill));
  return file;
}

describe('drill reconnect-storm', () => {
  it.concurrent('passes with jittered reconnects: every bot is back within the bound after the heal', { timeout: 90_000 }, async () => {
    const { code, report, output } = await runScenarioFile(DRILL);
    expect(code, output).toBe(0);
    expect(report.verdict).toBe('pass');
    const back = report.steps.find((s) => s.name === 'everyone-back')!;
    expect(back.pass).toBe(true);
    expect(back.recoveryMs).toBeLessThanOrEqual(9_000);
    expect(back.detail).toMatch(/all-receiving-again held after \d+ ms/);
    // The bridge reports the storm's figures only because its release limits reconnects.
    expect(report.slis.receive_reconnect_rate!.max).toBeGreaterThan(0);
    expect(report.slis.receive_reconnects_rejected).toBeDefined();
  });

  it.concurrent('fails on upstream backoff (bot 1.4.0): refused in a burst, the bots are not back within the bound', { timeout: 90_000 }, async () => {
    const { code, report, output } = await runScenarioFile(drillAtRelease('1.4.0'));
    expect(code, output).toBe(1);
    expect(report.verdict).toBe('fail');
    const back = report.steps.find((s) => s.name === 'everyone-back')!;
    expect(back.pass).toBe(false);
    expect(back.error).toMatch(/all-receiving-again did not hold within 9000 ms; last seen drill_bridge_receive_sockets = [0-7]\b/);
    expect(report.reasons).toContainEqual(expect.objectContaining({ code: 'step-failed', message: expect.stringContaining('everyone-back') }));
    // The storm: the bots retried in the same instant and the bridge refused those over its bucket of 3.
    expect(report.slis.receive_reconnects_rejected!.count).toBeGreaterThanOrEqual(1);
    expect(report.slis.receive_reconnect_rate!.max).toBeGreaterThanOrEqual(4);
  });
});
