/**
 * `drill monthly` end to end: a folder of two short playbooks run as a suite, twice; each suite report lists both
 * drills with their verdicts and durations, and the second one's trend has a point for each suite. Its HTML page
 * opens from file:// in Chromium with no console error and no request, charts two points per drill and links
 * each drill's report.html. An interrupted suite writes its report marked `interrupted`, with the drill it did
 * not reach listed as not run.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { suiteReportSchema, type SuiteReport } from '../../src/report/suite-report.ts';
import { startDrill } from '../helpers/drill-cli.ts';
import { chromiumMissing, launchBrowser, openFile } from '../helpers/headless-page.ts';

const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../reports');

const drill = (name: string, method: string) => `name: ${name}
release: "0.100"
services:
  bridge: { kind: bridge }
load: { executor: constant-arrival-rate, rate: 30, duration: 3s, gracefulStop: 2s }
workload: { type: http, target: bridge.http, path: /v1/health, timeout: 2s }
steadyState:
  - { name: healthy, http: { service: bridge, path: /v1/health, status: 204 } }
method:
${method}
`;

function suiteFolder(): { dir: string; drills: string; reports: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-monthly-'));
  const drills = path.join(dir, 'drills');
  const reports = path.join(dir, 'reports');
  mkdirSync(drills);
  writeFileSync(path.join(drills, 'a-restart.yaml'), drill('a-restart', '  - { name: bounce, at: 1s, action: restart, service: bridge, checks: [{ service: bridge, path: /v1/health, status: 204 }] }'));
  writeFileSync(path.join(drills, 'b-freeze.yaml'), drill('b-freeze', '  - { name: freeze, at: 1s, action: pause, service: bridge, for: 300ms, checks: [{ service: bridge, path: /v1/health, status: 204 }] }'));
  return { dir, drills, reports };
}

async function monthly(folder: { dir: string; drills: string; reports: string }, interruptOn?: RegExp) {
  const run = startDrill(['monthly', '--dir', folder.drills, '--report-dir', folder.reports], { DRILL_STATE_DIR: path.join(folder.dir, 'state') });
  if (interruptOn) {
    await run.waitForOutput(interruptOn);
    run.child.kill('SIGINT');
  }
  const { code } = await run.exit;
  return { code, output: run.output() };
}

function suiteReports(reports: string): SuiteReport[] {
  const dir = path.join(reports, 'monthly');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => suiteReportSchema.parse(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))));
}

/** Opens the suite's HTML page from file:// (no console error, no request) and hands it to `check`. */
async function withSuitePage(reports: string, suite: SuiteReport, check: (page: Page) => Promise<void>): Promise<void> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const browser = await launchBrowser();
  try {
    const { page, consoleErrors, requests } = await openFile(browser, path.join(reports, 'monthly', `suite-${suite.suiteId}.html`));
    expect([consoleErrors, requests]).toEqual([[], []]);
    await check(page);
    expect(consoleErrors).toEqual([]);
  } finally {
    await browser.close();
  }
}

/** The suite page against its JSON: verdict, two points per drill in each trend chart, drill links to files. */
async function checkPassedPage(page: Page, suite: SuiteReport): Promise<void> {
  expect(await page.$eval('[data-verdict]', (e) => e.textContent)).toBe('PASS');
  const charts = await page.$$eval('figure[data-chart]', (figures) =>
    figures.map((f) => {
      const u = (globalThis as unknown as { drillCharts: Record<string, { series: { label: string }[]; data: (number | null)[][] }> }).drillCharts[f.id]!;
      return { id: f.id, points: Number(f.getAttribute('data-points')), labels: u.series.slice(1).map((s) => s.label), data: u.data.slice(1), rows: f.parentElement!.querySelectorAll('details.figures tbody tr').length };
    }),
  );
  expect(charts.map((c) => [c.id, c.points, c.labels, c.rows])).toEqual([
    ['chart-trend-recovery', 2, ['a-restart', 'b-freeze'], 2],
    ['chart-trend-budget', 2, ['a-restart', 'b-freeze'], 2],
  ]);
  // The page keeps five significant digits of each value.
  const five = (v: number) => Number(v.toPrecision(5));
  const [recovery, budget] = charts;
  suite.trend.forEach((point, run) =>
    ['a-restart', 'b-freeze'].forEach((name, i) => {
      expect(recovery!.data[i]![run]).toBe(five(point.drills[name]!.recoveryMs! / 1_000));
      expect(budget!.data[i]![run]).toBe(five(point.drills[name]!.budgetConsumed! * 100));
    }),
  );
  const links = await page.$$eval('a.drill-report', (as) => as.map((a) => (a as unknown as { href: string }).href));
  expect(links).toHaveLength(2);
  for (const link of links) expect(existsSync(fileURLToPath(link)), link).toBe(true);
  expect(await page.$$('.mark-failure')).toHaveLength(0);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'monthly-suite.png'), fullPage: true });
}

describe('drill monthly', () => {
  it('runs a two-drill suite twice and builds a trend of two points, then an interrupted third', async () => {
    const folder = suiteFolder();
    const first = await monthly(folder);
    expect(first.code, first.output).toBe(0);
    // Progress: which drill, which phase, elapsed and remaining time of the suite.
    expect(first.output).toMatch(/\[1\/2 a-restart · bounce\] .* · suite \d+s elapsed, ~\d+s left/);
    expect(first.output).toMatch(/\[2\/2 b-freeze · .*\] PASS in \d+s/);
    const second = await monthly(folder);
    expect(second.code, second.output).toBe(0);

    const [one, two] = suiteReports(folder.reports);
    expect(one!.trend).toHaveLength(1);
    expect(two!.verdict).toBe('pass');
    expect(two!.drills.map((d) => [d.name, d.verdict])).toEqual([['a-restart', 'pass'], ['b-freeze', 'pass']]);
    for (const d of two!.drills) {
      expect(d.durationMs).toBeGreaterThan(3_000);
      expect(d.recoveries[0]!.recoveryMs).toBeGreaterThan(0);
      expect(d.errorBudget[0]).toMatchObject({ sli: 'http_req_failed', objective: 0.99 });
      expect(Object.keys(d.phases)).toEqual(['baseline', d.recoveries[0]!.step, `after-${d.recoveries[0]!.step}`]);
    }
    expect(two!.trend.map((p) => p.suiteId)).toEqual([one!.suiteId, two!.suiteId]);
    expect(two!.trend[1]!.drills['b-freeze']!.recoveryMs).toBeGreaterThanOrEqual(300);
    const markdown = readFileSync(path.join(folder.reports, 'monthly', `suite-${two!.suiteId}.md`), 'utf8');
    expect(markdown).toContain('## Trend (2 suites)');
    await withSuitePage(folder.reports, two!, (page) => checkPassedPage(page, two!));

    const third = await monthly(folder, /\[1\/2 a-restart · bounce\]/);
    expect(third.code).toBe(3);
    const interrupted = suiteReports(folder.reports)[2]!;
    expect(interrupted.verdict).toBe('interrupted');
    expect(interrupted.drills.map((d) => [d.name, d.verdict])).toEqual([['a-restart', 'interrupted'], ['b-freeze', 'not-run']]);
    expect(interrupted.trend).toHaveLength(3);
    // The interrupted run is marked on the trend at its x (the third run), on both charts.
    await withSuitePage(folder.reports, interrupted, async (page) => {
      expect(await page.$eval('[data-verdict]', (e) => e.textContent)).toBe('INTERRUPTED');
      expect(await page.$$eval('.u-over .mark-failure', (els) => els.map((e) => e.getAttribute('data-at')))).toEqual(['3', '3']);
      expect(await page.$$eval('a.drill-report', (as) => as.length)).toBe(1);
    });
  });
});
