/**
 * drills/relay-drain-across-master-restart.yaml on local processes, a finding drill: the 0.0.5 master keeps admin-set
 * states in memory only, so after its restart the drained relay registers again as New and gets sessions; the drill
 * fails on relay_sessions_relay-a, with the number of sessions the drained relay got (exit 1). On master
 * 0.0.5-keeps-admin-states, which applies the kept Draining state again when the relay re-registers, it passes.
 */
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../helpers/drill-cli.ts';
import { drillVariant, reasonsNaming } from '../helpers/drill-variant.ts';

const DRILL = 'drills/relay-drain-across-master-restart.yaml';
/** The phases from the master's restart to relay-a's own restart: it should have been drained through them all. */
const DRAINED_PHASES = ['master-restart', 'after-master-restart', 'drained'];

describe('relay-drain-across-master-restart drill', () => {
  it.concurrent('fails on 0.0.5: the restarted master forgets the drain and assigns the drained relay again', async () => {
    const { code, report, output } = await runScenarioFile(DRILL);
    expect(report.verdict, output).toBe('fail');
    expect(code).toBe(1);
    const breaches = report.thresholds.filter((t) => t.sli === 'relay_sessions_relay-a' && DRAINED_PHASES.includes(t.phase) && !t.pass);
    expect(breaches.length).toBeGreaterThan(0);
    const sessionsWhileDrained = breaches.reduce((sum, t) => sum + (t.observed ?? 0), 0);
    expect(sessionsWhileDrained).toBeGreaterThan(0);
    for (const t of breaches) expect(reasonsNaming(report, `relay_sessions_relay-a count==0 breached (phase ${t.phase})`)).toHaveLength(1);
    // Before the restart the drain held: nothing was assigned to relay-a after it.
    expect(report.thresholds.find((t) => t.sli === 'relay_sessions_relay-a' && t.phase === 'after-drain')).toMatchObject({ pass: true, observed: 0 });
  }, 90_000);

  it.concurrent('passes on master 0.0.5-keeps-admin-states: the drained relay registers again as Draining', async () => {
    const file = drillVariant(DRILL, (doc) => (doc.services.master.release = '0.0.5-keeps-admin-states'));
    const { code, report, output } = await runScenarioFile(file);
    expect(report.reasons, output).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
    for (const phase of DRAINED_PHASES) expect(report.phases.find((p) => p.name === phase)?.slis['relay_sessions_relay-a']?.count, phase).toBe(0);
    const restart = report.steps.find((s) => s.name === 'master-restart')!;
    expect(restart.checks.every((c) => c.passedAfterMs !== undefined)).toBe(true);
  }, 90_000);
});
