/**
 * drills/master-restart-ephemeral-key.yaml on local processes, a finding drill: a 0.0.5 master without a provisioned
 * signing key makes a new one at its restart, the relays keep the key of their first registration, and every lease
 * after the restart is refused with InvalidSignature: the drill fails on lease_rejects_InvalidSignature and on
 * relayed session setup (exit 1). With a provisioned key (the kind's key file, kept across the restart) it passes.
 */
import { describe, expect, it } from 'vitest';
import { runScenarioFile } from '../helpers/drill-cli.ts';
import { drillVariant, reasonsNaming } from '../helpers/drill-variant.ts';

const DRILL = 'drills/master-restart-ephemeral-key.yaml';
const after = (report: Awaited<ReturnType<typeof runScenarioFile>>['report'], sli: string) =>
  report.phases.find((p) => p.name === 'after-master-restart')?.slis[sli];

describe('master-restart-ephemeral-key drill', () => {
  it.concurrent('fails on 0.0.5 with an ephemeral key: the relays reject every new lease as InvalidSignature', async () => {
    const { code, report, output } = await runScenarioFile(DRILL);
    expect(report.verdict, output).toBe('fail');
    expect(code).toBe(1);
    expect(report.slis['lease_rejects_InvalidSignature']?.count).toBeGreaterThan(0);
    expect(report.slis['lease_rejects']?.count).toBe(report.slis['lease_rejects_InvalidSignature']?.count);
    expect(reasonsNaming(report, 'lease_rejects_InvalidSignature count==0 breached')).toHaveLength(1);
    // Before the restart the leases were good: the rejects all come after it.
    expect(report.phases.find((p) => p.name === 'baseline')?.slis['lease_rejects_InvalidSignature']?.count).toBe(0);
    // The relays did register again; what they kept is the old key.
    expect(report.steps[0]!.checks.filter((c) => c.target.includes('registered with master')).every((c) => c.passedAfterMs !== undefined)).toBe(true);
  }, 90_000);

  it.concurrent('passes with a provisioned key', async () => {
    const file = drillVariant(DRILL, (doc) => delete doc.services.master.env.WAVRY_MASTER_KEY_FILE);
    const { code, report, output } = await runScenarioFile(file);
    expect(report.reasons, output).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
    expect(report.slis['lease_rejects_InvalidSignature']?.count).toBe(0);
    expect(after(report, 'session_setup_success')?.rate).toBeGreaterThanOrEqual(0.9);
  }, 90_000);
});
