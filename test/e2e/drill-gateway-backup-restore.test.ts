/**
 * drills/gateway-backup-restore.yaml end to end on local processes: on gateway 0.0.5 (accounts and tokens in the one
 * database file) the backup taken with `cp` carries everything issued before it, so after the wipe and restore
 * the baseline's tokens and accounts work and the post-backup canary is gone; the tokens and accounts issued after
 * the backup are reported lost in the phases that issued them. On 0.0.5-sessions-file (tokens in a second file
 * beside the database) the backup misses the tokens: the baseline's tokens are refused after the restore and the
 * verdict names tokens_rejected.
 */
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-schema.ts';
import { drillVariant } from '../helpers/drill-variant.ts';
import { runScenarioFile } from '../helpers/drill-cli.ts';

const FILE = 'drills/gateway-backup-restore.yaml';
const stat = (report: Report, phase: string, sli: string) => report.phases.find((p) => p.name === phase)?.slis[sli] as
  { count?: number; total?: number } | undefined;
/** Phases after the backup and before the restore: what the gateway issued there is not in the backup. */
const AFTER_BACKUP = ['start-after-backup', 'after-start-after-backup', 'canary-after', 'after-canary-after'];
const lostAfterBackup = (report: Report, sli: string) => AFTER_BACKUP.reduce((sum, p) => sum + (stat(report, p, sli)?.count ?? 0), 0);

describe('drill gateway-backup-restore', () => {
  it.concurrent('passes on 0.0.5: what the backup holds works after the restore, what came after is reported lost', async () => {
    const { code, report, output } = await runScenarioFile(FILE);
    expect(report.reasons, output).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
    const step = (name: string) => report.steps.find((s) => s.name === name)!;
    expect(step('backup').detail).toMatch(/^cp \S+\/gateway\.db \.\.\/gateway-backup\.db exited 0/);
    expect(step('wipe').detail).toMatch(/exited 0/);
    expect(step('canary-before-works').detail).toMatch(/→ 200 /);
    expect(step('canary-after-lost').detail).toMatch(/→ 401 .*Invalid credentials/);
    expect(stat(report, 'baseline', 'tokens_rejected')).toMatchObject({ count: 0 });
    expect(stat(report, 'baseline', 'tokens_rejected')!.total).toBeGreaterThan(0);
    expect(stat(report, 'baseline', 'accounts_lost')!.count).toBe(0);
    // The counts are reported, whatever this run's random picks made them; the run-wide SLI adds them all up.
    const run = report.slis.tokens_rejected as { count: number };
    expect(run.count).toBe(lostAfterBackup(report, 'tokens_rejected'));
    // A step judged by its SLI recovered no earlier than the SLI did once every outcome was in.
    for (const s of report.steps.filter((s) => s.sliRecovery?.recoveredAfterMs !== undefined)) {
      expect(s.recoveryMs, s.name).toBeGreaterThanOrEqual(s.sliRecovery!.recoveredAfterMs!);
      expect(report.timeline.find((e) => e.type === 'recovered' && e.detail?.startsWith(`${s.name}: `))?.measured?.recoveryMs).toBe(s.recoveryMs);
    }
  }, 90_000);

  it.concurrent('fails on 0.0.5-sessions-file: the backup misses the tokens, the verdict names tokens_rejected', async () => {
    const file = drillVariant(FILE, (drill) => {
      drill.services.gateway!.release = '0.0.5-sessions-file';
    });
    const { code, report, output } = await runScenarioFile(file);
    expect(code, output).toBe(1);
    expect(report.verdict).toBe('fail');
    expect(report.reasons.map((r) => r.message)).toContain('tokens_rejected count<1 breached (phase baseline)');
    expect(stat(report, 'baseline', 'tokens_rejected')!.count).toBeGreaterThan(0);
    expect(report.reasons.map((r) => r.message)).toContain('steady state after the method: host-kept-token does not hold');
    // Accounts were in the backed-up file: the baseline's accounts and the canary from before the backup survive.
    expect(stat(report, 'baseline', 'accounts_lost')!.count).toBe(0);
    expect(report.steps.find((s) => s.name === 'canary-before-works')).toMatchObject({ pass: true });
  }, 90_000);
});
