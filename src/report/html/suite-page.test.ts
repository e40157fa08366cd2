import { describe, expect, it } from 'vitest';
import { suiteReportSchema, trendPointOf, type SuiteReport } from '../suite-report.ts';
import type { ChartSpec } from './chart-spec.ts';
import { renderSuitePage, suiteVerdictReasons } from './suite-page.ts';

const drill = (name: string, recoveryMs: number | undefined, consumed: number, verdict: 'pass' | 'fail' = 'pass') => ({
  name,
  file: `drills/${name}.yaml`,
  verdict,
  exitCode: verdict === 'pass' ? 0 : 1,
  runId: `${name}-run`,
  runDir: `../${name} run`,
  durationMs: 6_000,
  reasons: verdict === 'pass' ? [] : ['bounce did not recover'],
  recoveries: [{ step: 'bounce', ...(recoveryMs === undefined ? {} : { recoveryMs }), pass: recoveryMs !== undefined }],
  errorBudget: [{ sli: 'http_req_failed', objective: 0.99, consumed }],
  phases: {},
});

function suite(id: string, startedAtMs: number, drills: ReturnType<typeof drill>[]): Omit<SuiteReport, 'trend'> {
  const verdict = drills.every((d) => d.verdict === 'pass') ? ('pass' as const) : ('fail' as const);
  return { schema: 'drill.suite/v1', suiteId: id, release: '0.100', runtime: 'process', startedAtMs, endedAtMs: startedAtMs + 12_000, verdict, drills };
}

const november = suite('nov', Date.UTC(2026, 10, 3), [drill('a-restart', 400, 0.1), drill('b-freeze', 320, 0)]);
const december = suite('dec', Date.UTC(2026, 11, 3), [drill('a-restart', undefined, 0.5, 'fail'), drill('b-freeze', 350, 0.02)]);
const report = suiteReportSchema.parse({ ...december, trend: [trendPointOf(november), trendPointOf(december)] });

function specs(html: string): Record<string, ChartSpec> {
  const found = [...html.matchAll(/<script type="application\/json" class="chart-spec">(.*?)<\/script>/g)].map((m) => JSON.parse(m[1]!) as ChartSpec);
  return Object.fromEntries(found.map((s) => [s.id, s]));
}

describe('suite page', () => {
  const html = renderSuitePage(report);

  it('shows the suite verdict and the drill that decided it', () => {
    expect(html).toContain('data-verdict="fail">FAIL</div>');
    expect(suiteVerdictReasons(report)).toEqual(['a-restart: fail (bounce did not recover)']);
    const passed = suiteReportSchema.parse({ ...november, trend: [trendPointOf(november)] });
    expect(suiteVerdictReasons(passed)).toEqual(['a-restart passed; bounce recovered in 0.40 s', 'b-freeze passed; bounce recovered in 0.32 s']);
  });

  it('lists every drill with its figures and a relative link to its report.html', () => {
    expect([...html.matchAll(/<a class="drill-report" href="([^"]+)">/g)].map((m) => m[1])).toEqual(['../a-restart%20run/report.html', '../b-freeze%20run/report.html']);
    expect(html).toContain('<td>bounce did not recover</td>');
    expect(html).toContain('http_req_failed 50.0 % (objective 99.0 %)');
    expect(html).toMatch(/<td class="num">6.00 s<\/td>/);
  });

  it('charts the trend: a series per drill, a point per suite run, a mark at the failed run', () => {
    const charts = specs(html);
    expect(Object.keys(charts)).toEqual(['chart-trend-recovery', 'chart-trend-budget']);
    const recovery = charts['chart-trend-recovery']!;
    expect(recovery.xValues).toEqual([1, 2]);
    expect(recovery.series.map((s) => [s.label, s.values])).toEqual([['a-restart', [0.4, null]], ['b-freeze', [0.32, 0.35]]]);
    expect(charts['chart-trend-budget']!.series.map((s) => s.values)).toEqual([[10, 50], [0, 2]]);
    expect(recovery.marks).toEqual([{ kind: 'failure', at: 2, label: '#2 fail: a-restart fail' }]);
    // The text alternative: one row per suite run, values with the drill's verdict.
    expect(html).toContain('<td>#2 2026-12-03 dec</td><td>0.100</td><td>fail</td><td>– (fail)</td><td>0.35 s (pass)</td>');
  });

  it('escapes names from the playbooks', () => {
    const hostile = suiteReportSchema.parse({ ...november, drills: [drill('<img src=x>', 100, 0)], trend: [trendPointOf({ ...november, drills: [drill('<img src=x>', 100, 0)] })] });
    const page = renderSuitePage(hostile);
    expect(page).not.toContain('<img src=x>');
    expect(page).toContain('&lt;img src=x&gt;');
  });
});
