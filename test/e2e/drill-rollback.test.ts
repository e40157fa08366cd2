/**
 * drills/rollback.yaml on a shortened copy: bot 1.5.0 rolled back to 1.4.0 passes (after the rollback replies are
 * as fast as the known-good SLOs ask); rolled back to 1.4.0-with-1.5.0-regression, a target that still has the
 * candidate's 150 ms slower handlers, it fails, and the verdict names reply_latency in the after-rollback phase.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runScenarioFile, type FinishedRun } from '../helpers/drill-cli.ts';
import { action, drillVariant } from '../helpers/drill-variant.ts';

function shortened(target: string): string {
  return drillVariant('drills/rollback.yaml', (drill) => {
    drill.load.duration = '17s';
    drill.load.gracefulStop = '5s';
    drill.steadyState[0].over = '4s';
    Object.assign(action(drill, 'rollback'), { at: '5s', release: target });
    action(drill, 'rollback').recovered.consecutive = 3;
  });
}

describe('drill rollback', () => {
  let good: FinishedRun;
  let breaking: FinishedRun;
  beforeAll(async () => {
    [good, breaking] = await Promise.all([runScenarioFile(shortened('1.4.0')), runScenarioFile(shortened('1.4.0-with-1.5.0-regression'))]);
  }, 120_000);

  it('passes when the target is the known-good 1.4.0', () => {
    expect(good.code, good.output).toBe(0);
    expect(good.report.verdict).toBe('pass');
    expect(good.report.steps[0]).toMatchObject({ name: 'rollback', release: '1.4.0', pass: true });
  });

  it('fails when the rollback target still has the regression, naming reply_latency after the rollback', () => {
    expect(breaking.code, breaking.output).toBe(1);
    expect(breaking.report.verdict).toBe('fail');
    const breached = breaking.report.thresholds.filter((t) => !t.pass).map((t) => `${t.sli} ${t.expression} ${t.phase}`);
    expect(breached).toContain('reply_latency p(50)<50 after-rollback');
    expect(breaking.report.reasons).toContainEqual(
      expect.objectContaining({ code: 'threshold', message: 'reply_latency p(50)<50 breached (phase after-rollback)' }),
    );
  });
});
