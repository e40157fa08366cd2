/**
 * A Wavry relay failover measured by `drill capacity`: every viewer is relayed (0.1.0: the gateway asks the
 * master for leases, hosts present theirs) through two relays of 10 sessions each. With relay-a drained at the
 * master and stopped, the capacity left must be smaller than the pool's, for the right reason: relay-b's
 * sessions reached their limit and session setups failed (the relay refused them), not the generator or a CPU.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityReportSchema } from '../../src/capacity/capacity-report-schema.ts';
import { runFolders, startDrill } from '../helpers/drill-cli.ts';

describe('drill capacity with a relay failover on Wavry', () => {
  it('measures less capacity with relay-a gone, relay-b saturated, and says whether it covers the peak', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-capacity-failover-'));
    // Coarser bisection than the shipped 10 %: the relay pool's two capacities are far enough apart. A peak of 6/s
    // is out of one relay's reach whatever the master's random picks: 10 slots, each held ~2 s (a 1 s session, then
    // up to 1 s idle before the slot is freed), take at most ~5 sessions/s; measured 3–4.
    const file = path.join(dir, 'wavry-capacity.yaml');
    const text = readFileSync('scenarios/wavry-capacity.yaml', 'utf8');
    if (!text.includes('peak: 4/s')) throw new Error('scenarios/wavry-capacity.yaml no longer declares peak: 4/s');
    writeFileSync(file, text.replace('resolution: 10%', 'resolution: 30%').replace('peak: 4/s', 'peak: 6/s'));
    const reports = path.join(dir, 'reports');
    const stateDir = path.join(dir, 'state');
    const drill = startDrill(['capacity', file, '--report-dir', reports], { DRILL_STATE_DIR: stateDir });
    const { code } = await drill.exit;
    const [runId] = existsSync(reports) ? runFolders(reports) : [];
    expect(runId, drill.output()).toBeDefined();
    const report = capacityReportSchema.parse(JSON.parse(readFileSync(path.join(reports, runId!, 'capacity.json'), 'utf8')));
    expect(report.unit).toBe('sessions/s');
    const [full, failover] = report.sweeps;
    expect(failover!.stopped).toEqual(['relay-a']);
    expect(full!.capacity, drill.output()).not.toBeNull();
    expect(failover!.capacity ?? 0).toBeLessThan(full!.capacity!);
    expect(report.failover!.retained ?? 0).toBeLessThan(1);
    // The failing steps failed on session setup, and relay-b's sessions were at their limit.
    for (const sweep of [full!, failover!]) {
      const failed = sweep.steps.filter((s) => !s.pass);
      expect(failed.length).toBeGreaterThan(0);
      for (const step of failed) expect(step.limitedBy).toBe('slo');
      for (const step of failed) expect(step.failures.join(' ')).toContain('session_setup_success');
      expect(sweep.saturated!.component).toMatch(/^relay-[ab]$/);
      expect(['sessions', 'load_pct']).toContain(sweep.saturated!.signal);
    }
    expect(failover!.saturated!.component).toBe('relay-b');
    const relayB = failover!.steps.find((s) => !s.pass)!.signals.find((s) => s.component === 'relay-b' && s.signal === 'sessions')!;
    expect(relayB.level).toBeGreaterThanOrEqual(0.8);
    expect(failover!.steps.every((s) => !s.signals.some((g) => g.component === 'relay-a'))).toBe(true);
    expect(failover!.concurrentSessions).not.toBeNull();
    // Peak 6/s: the pool of one relay (3–4/s, at most ~5) does not cover it.
    expect(report.failover!.coversPeak).toBe(false);
    expect(report.verdict).toBe('missed');
    expect(code).toBe(1);
    expect(existsSync(stateDir) ? readdirSync(stateDir).filter((f) => f.endsWith('.json')) : []).toEqual([]);
  }, 150_000);
});
