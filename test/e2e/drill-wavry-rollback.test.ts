/**
 * drills/wavry-rollback.yaml end to end on local processes: the regressed candidate 0.0.6 (every frame 12 ms
 * slower on the host) rolled back to 0.0.5 by release tag recovers input_to_present; rolled back to a "0.0.5"
 * that keeps 0.0.6's render path (host 0.0.5-keeps-0.0.6-render), the host step never recovers and the verdict
 * names input_to_present. The median is judged: the regression is a floor under every frame, so the verdict does
 * not hang on this machine's latency noise.
 */
import { describe, expect, it } from 'vitest';
import { action, drillVariant } from '../helpers/drill-variant.ts';
import { runScenarioFile } from '../helpers/drill-cli.ts';

const FILE = 'drills/wavry-rollback.yaml';

describe('drill wavry-rollback', () => {
  it.concurrent('passes when 0.0.6 is rolled back to 0.0.5: input_to_present recovers', async () => {
    const { code, report, output } = await runScenarioFile(FILE);
    expect(report.reasons, output).toEqual([]);
    expect(report.verdict).toBe('pass');
    expect(code).toBe(0);
    expect(report.steps.map((s) => [s.name, s.pass])).toEqual([
      ['rollback-master', true],
      ['rollback-gateway', true],
      ['rollback-host', true],
    ]);
    const released = report.timeline.filter((e) => e.source === 'service' && e.type === 'restarted').map((e) => `${e.target} ${e.detail}`);
    expect(released).toEqual(expect.arrayContaining([expect.stringMatching(/^master .*0\.0\.5/), expect.stringMatching(/^gateway .*0\.0\.5/), expect.stringMatching(/^host-a .*0\.0\.5/)]));
    const host = report.steps.find((s) => s.name === 'rollback-host')!;
    expect(host.sliRecovery!.curve.some((w) => !w.pass && w.observed !== null && w.observed >= 12)).toBe(true);
  }, 90_000);

  it.concurrent('fails when the rollback target keeps the regression, naming input_to_present', async () => {
    const file = drillVariant(FILE, (drill) => {
      action(drill, 'rollback-host').release = '0.0.5-keeps-0.0.6-render';
    });
    const { code, report, output } = await runScenarioFile(file);
    expect(code, output).toBe(1);
    expect(report.verdict).toBe('fail');
    const host = report.steps.find((s) => s.name === 'rollback-host')!;
    expect(host.pass).toBe(false);
    expect(host.error).toMatch(/input_to_present p\(50\) < 8 not back/);
    expect(report.reasons.some((r) => r.code === 'step-failed' && r.message.includes('input_to_present'))).toBe(true);
  }, 90_000);
});
