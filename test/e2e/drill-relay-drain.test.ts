/**
 * drills/relay-drain.yaml on local processes: on 0.0.5 the master assigns the drained relay nothing while the other
 * relay takes every session, the relay empties, comes back from its restart with a new relay_id and takes sessions
 * again (exit 0, pass); on master 0.0.5-assigns-draining, a master that still assigns a Draining relay, the drill
 * fails on relay_sessions_relay-a, the sessions the master gave the drained relay (exit 1).
 */
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../helpers/drill-cli.ts';
import { drillVariant, reasonsNaming } from '../helpers/drill-variant.ts';

const DRILL = 'drills/relay-drain.yaml';
const phaseSli = (report: Awaited<ReturnType<typeof runScenarioFile>>['report'], phase: string, sli: string) =>
  report.phases.find((p) => p.name === phase)?.slis[sli];

describe('relay-drain drill', () => {
  it.concurrent('passes on 0.0.5: no assignment to the drained relay, a new relay_id after its restart, sessions on it again', async () => {
    const { code, report, output } = await runScenarioFile(DRILL);
    expect(report.reasons, output).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
    expect(phaseSli(report, 'drained', 'relay_sessions_relay-a')?.count).toBe(0);
    expect(phaseSli(report, 'drained', 'relay_sessions_relay-b')?.count).toBeGreaterThan(0);
    expect(phaseSli(report, 'after-assignable-again', 'relay_sessions_relay-a')?.count).toBeGreaterThan(0);
    const step = (name: string) => report.steps.find((s) => s.name === name)!;
    const drainedId = /"relay_id":"([0-9a-f-]+)"/.exec(step('find-relay-a').detail ?? '')?.[1];
    expect(drainedId).toBeDefined();
    // The drain's duration: from the drain until relay-a had no active session.
    expect(step('drained').recoveryMs).toBeGreaterThan(0);
    const registered = step('restart-relay-a').checks[0]!;
    expect(registered.passedAfterMs).toBeDefined();
    // The restarted relay registered under a new relay_id.
    expect(registered.target).toMatch(/registered with master .*: [0-9a-f-]{36}$/);
    expect(registered.target).not.toContain(drainedId);
  }, 90_000);

  it.concurrent('fails on master 0.0.5-assigns-draining, naming relay_sessions_relay-a', async () => {
    // Only the drain matters here: the load ends 1 s after the relay's restart began, 7 s after the drain.
    const file = drillVariant(DRILL, (doc) => {
      doc.services.master.release = '0.0.5-assigns-draining';
      doc.load.duration = '11s';
      doc.method.find((action: { name: string }) => action.name === 'drained').timeout = '5s';
    });
    const { code, report, output } = await runScenarioFile(file);
    expect(report.verdict, output).toBe('fail');
    expect(code).toBe(1);
    // From the drain to the relay's restart (the drain itself, or the watch after it) the master assigned relay-a.
    const breaches = report.thresholds.filter((t) => t.sli === 'relay_sessions_relay-a' && ['drained', 'after-drained'].includes(t.phase) && !t.pass);
    expect(breaches.length).toBeGreaterThan(0);
    for (const t of breaches) {
      expect(t.observed).toBeGreaterThan(0);
      expect(reasonsNaming(report, `relay_sessions_relay-a count==0 breached (phase ${t.phase})`)).toHaveLength(1);
    }
  }, 90_000);
});
