/**
 * drills/master-restart.yaml on local processes, its load shortened: on 0.0.5 the master is ready again and each
 * relay registers again after the 404 on its next heartbeat, each with its time in the report (exit 0, pass); on
 * master 0.0.5-heartbeat-ok-unknown, which answers 200 to a heartbeat from a relay it does not know, no relay
 * registers again and the drill fails on relays_assignable (exit 1).
 */
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../helpers/drill-cli.ts';
import { drillVariant, reasonsNaming } from '../helpers/drill-variant.ts';

type Doc = Parameters<Parameters<typeof drillVariant>[1]>[0];

/**
 * The restart 5 s into a 25 s load instead of 15 s into 45 s, the steady state over 4 s. The load outlasts a
 * recovery of up to ~15 s (a master that takes 7 s to start on a busy machine, then the relays' 5 s heartbeats), so
 * the phase after it always has sessions to judge.
 */
function shortened(doc: Doc): void {
  doc.load.duration = '25s';
  doc.load.gracefulStop = '10s';
  doc.method[0].at = '5s';
  doc.steadyState[0].over = '4s';
}

describe('master-restart drill', () => {
  it.concurrent('passes on 0.0.5 and reports the readiness time and each relay re-registration time', async () => {
    const { code, report, output } = await runScenarioFile(drillVariant('drills/master-restart.yaml', shortened));
    expect(report.reasons, output).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
    const step = report.steps[0]!;
    const check = (what: string) => step.checks.find((c) => c.target.includes(what))!;
    expect(check('master GET /ready').passedAfterMs).toBeGreaterThan(0);
    for (const relay of ['relay-a', 'relay-b']) {
      expect(check(`${relay} registered with master`).target).toMatch(/: [0-9a-f-]{36}$/);
      // After the 404 on its next heartbeat (every 5 s): later than the master's own start.
      expect(check(`${relay} registered with master`).passedAfterMs).toBeLessThanOrEqual(step.recoveryMs!);
    }
    // Session setup failures during the gap: the step's phase, in the error budget (none on 0.0.5, whose sessions do not use the master).
    const gap = report.errorBudget.find((b) => b.sli === 'handshake_failures')!.phases.find((p) => p.phase === 'master-restart')!;
    expect(gap.total).toBeGreaterThan(0);
    expect(gap.bad).toBe(0);
  }, 90_000);

  it.concurrent('fails on master 0.0.5-heartbeat-ok-unknown on relays_assignable', async () => {
    const file = drillVariant('drills/master-restart.yaml', (doc) => {
      shortened(doc);
      doc.services.master.release = '0.0.5-heartbeat-ok-unknown';
      doc.method[0].within = '7s';
    });
    const { code, report, output } = await runScenarioFile(file);
    expect(report.verdict, output).toBe('fail');
    expect(code).toBe(1);
    expect(report.thresholds.find((t) => t.sli === 'relays_assignable')).toMatchObject({ pass: false, observed: 0 });
    expect(reasonsNaming(report, 'relays_assignable max>=2 breached')).toHaveLength(1);
    const step = report.steps[0]!;
    expect(step.pass).toBe(false);
    expect(step.checks.filter((c) => c.target.includes('registered with master')).map((c) => c.passedAfterMs)).toEqual([undefined, undefined]);
  }, 90_000);
});
