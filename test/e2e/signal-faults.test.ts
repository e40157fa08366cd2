/**
 * A latency-then-loss timeline on the bot→bridge link of the real Signal stack: each fault is verified when
 * injected, the SLIs of its phase move, the phase after it recovers, and the link ends clean.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../src/report/report-schema.ts';
import { runFolders, startDrill } from '../helpers/drill-cli.ts';

const scenario = `name: signal-faults-e2e
release: 1.4.0
seed: 5
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot, env: { WORKER_POOL_SIZE: 16, RATE_LIMIT: 200 } }
links:
  - { from: bot, to: bridge }
load: { executor: constant-arrival-rate, rate: 20, duration: 20s, gracefulStop: 5s }
workload: { type: signal, bridge: bridge, bots: [bot], messages: [{ text: "!ping" }] }
faults:
  timeline:
    - { at: 4s, for: 4s, link: bot->bridge, type: latency, latency: 300 }
    - { at: 12s, for: 4s, link: bot->bridge, type: loss, probability: 0.4, rto: 250, stream: upstream }
thresholds:
  replies_missing: ["rate<0.05"]
`;

describe('signal stack under faults', () => {
  it('shows each fault in its own phase and recovery after it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-faults-'));
    writeFileSync(path.join(dir, 's.yaml'), scenario);
    const drill = startDrill(['run', path.join(dir, 's.yaml'), '--report-dir', path.join(dir, 'reports')], { DRILL_STATE_DIR: path.join(dir, 'state') });
    const { code } = await drill.exit;
    expect(code, drill.output()).toBe(0);
    const [runId] = runFolders(path.join(dir, 'reports'));
    const report = reportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'reports', runId!, 'report.json'), 'utf8')));

    const phase = (name: string) => {
      const found = report.phases.find((p) => p.name === name);
      if (!found) throw new Error(`no phase ${name}; phases: ${report.phases.map((p) => p.name).join(', ')}`);
      return found.slis.reply_latency!.percentiles!;
    };
    expect(report.phases.map((p) => p.name)).toEqual(['baseline', 'fault-0-latency', 'after-0', 'fault-1-loss', 'after-1']);
    const baseline = phase('baseline');
    // 300 ms on every bridge answer: replies queue behind the slow sends.
    expect(phase('fault-0-latency').p50!).toBeGreaterThan(baseline.p50! + 250);
    expect(phase('after-0').p50!).toBeLessThan(phase('fault-0-latency').p50! / 3);
    // Lost segments come 250 ms late (and later for losses in a row).
    expect(phase('fault-1-loss').p90!).toBeGreaterThan(baseline.p90! + 200);
    expect(phase('after-1').p90!).toBeLessThan(phase('fault-1-loss').p90!);

    const [server, ...faults] = report.timeline.filter((e) => e.source === 'fault');
    expect(server).toMatchObject({ type: 'server', detail: 'embedded' });
    expect(faults.map((e) => e.type)).toEqual(['inject', 'clear', 'inject', 'clear', 'reset']);
    expect(faults[0]!.detail).toMatch(/verified: added/);
    expect(faults[0]!.measured!.addedMs).toBeGreaterThan(200);
    expect(faults[0]!.tMs).toBeGreaterThanOrEqual(3_900);
    // A probe cannot measure TCP loss: the server's read-back of the toxic verifies it.
    expect(faults[2]!.detail).toContain('verified: accepted by server: fault1_loss read back with {"probability":0.4,"correlation":0,"rto":250}');
    expect(faults[2]!.measured).toBeUndefined();
    expect(faults[4]!.detail).toBe('1 link(s) enabled, no toxics left');
  });
});
