/**
 * report.html of real runs, opened from file:// in the distribution's Chromium: it loads with no console error
 * and no request, every chart holds the run's series and points, the fault band sits at the fault's time and
 * the step marks at the step's, and a failed run and an errored run render their verdicts. Screenshots go to
 * reports/ (a CI artifact).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/report-schema.ts';
import { runScenarioFile, startDrill, type FinishedRun } from '../helpers/drill-cli.ts';
import { chromiumMissing, launchBrowser, openFile } from '../helpers/headless-page.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const artifacts = path.join(root, 'reports');

/** The Signal stack, a 300 ms latency fault from 2 s to 4 s and a bot restart at 5 s, under 8 s of load. */
function scenarioFile(name: string, extra: string, bot = '{ kind: bot, env: { WORKER_POOL_SIZE: 16, RATE_LIMIT: 200 } }'): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-html-')), `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
release: 1.4.0
seed: 5
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: ${bot}
links:
  - { from: bot, to: bridge }
load: { executor: constant-arrival-rate, rate: 20, duration: 8s, gracefulStop: 3s }
workload: { type: signal, bridge: bridge, bots: [bot], messages: [{ text: "!ping" }] }
faults:
  timeline:
    - { at: 2s, for: 2s, link: bot->bridge, type: latency, latency: 300 }
steps:
  - { name: bot-restart, at: 5s, action: restart, service: bot, checks: [{ service: bridge, path: /v1/health, status: 204 }] }
${extra}`,
  );
  return file;
}

interface ChartView {
  series: number;
  points: number;
  labels: string[];
  data: (number | null)[][];
  rows: number;
}

async function charts(page: Page): Promise<Record<string, ChartView>> {
  return page.$$eval('figure[data-chart]', (figures) =>
    Object.fromEntries(
      figures.map((f) => {
        const u = (globalThis as unknown as { drillCharts: Record<string, { series: { label: string }[]; data: (number | null)[][] }> }).drillCharts[f.id]!;
        const table = f.parentElement!.querySelector('details.figures tbody');
        return [f.id, { series: Number(f.getAttribute('data-series')), points: Number(f.getAttribute('data-points')), labels: u.series.slice(1).map((s) => s.label), data: u.data.slice(1) as (number | null)[][], rows: table?.children.length ?? 0 }];
      }),
    ),
  );
}

/** Where an x value should be drawn, from the plot area's box and the x range of the report's rows (CSS px). */
async function expectedLeftPx(page: Page, chartId: string, xS: number, report: Report): Promise<number> {
  const box = (await (await page.$(`#${chartId} .u-over`))!.boundingBox())!;
  const xs = report.series.rows.map((r) => r[0]! / 1_000);
  return box.x + ((xS - xs[0]!) / (xs.at(-1)! - xs[0]!)) * box.width;
}

async function leftPx(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (els) => els.map((e) => e.getBoundingClientRect().left));
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
}

describe('report.html in a browser', () => {
  let browser: Browser;
  let passed: FinishedRun;

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing) throw new Error(missing);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows a run with a fault and a drill step: charts, bands at the fault, marks at the step', async () => {
    passed = await runScenarioFile(scenarioFile('html-pass', 'thresholds:\n  replies_missing: ["rate<0.5"]\n'));
    const { report, runDir } = passed;
    expect(passed.code, passed.output).toBe(0);
    const file = path.join(runDir, 'report.html');
    expect(statSync(file).size).toBeLessThan(1_000_000);
    const { page, consoleErrors, requests } = await openFile(browser, file);
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.$eval('[data-verdict]', (e) => e.textContent)).toBe('PASS');

    const rows = report.series.rows.length;
    const view = await charts(page);
    expect(Object.keys(view)).toEqual(['chart-latency', 'chart-load', 'chart-signal', 'chart-distribution']);
    for (const [id, chart] of Object.entries(view)) {
      expect(chart.data.length, id).toBe(chart.series);
      for (const values of chart.data) expect(values.length, id).toBe(chart.points);
      expect(chart.rows, `${id}: one row of figures per series`).toBe(chart.series);
    }
    expect(view['chart-latency']).toMatchObject({ series: 3, points: rows, labels: ['p50 latency', 'p95 latency', 'p99 latency'] });
    // The injected 300 ms shows in the p50 of the intervals inside the fault window, not before it.
    const p50 = view['chart-latency']!.data[0]!;
    expect(p50[0]!).toBeLessThan(100);
    expect(Math.max(...p50.slice(2, 4).map((v) => v ?? 0))).toBeGreaterThan(250);
    const load = view['chart-load']!;
    expect(load.points).toBe(rows);
    expect(load.labels.slice(0, 2)).toEqual(['target rate', 'achieved rate']);
    // The achieved rate adds up to the arrivals of the run; the target to the schedule.
    const sum = (values: (number | null)[]) => values.reduce<number>((a, v) => a + (v ?? 0), 0) * (report.series.intervalMs / 1_000);
    expect(sum(load.data[1]!)).toBeCloseTo(report.load.arrivals, 6);
    expect(sum(load.data[0]!)).toBeCloseTo(report.load.scheduled, 6);
    const dropped = load.labels.indexOf('dropped arrivals / interval');
    expect(dropped).toBeGreaterThan(1);
    expect(sum(load.data[dropped]!)).toBe(report.load.dropped);
    expect(view['chart-signal']!.labels).toEqual(expect.arrayContaining(['queue depth', 'dlq depth']));
    const phasesWithSamples = report.phases.filter((p) => (report.histograms[`${p.name}/reply_latency`]?.count ?? 0) > 0).length;
    expect(view['chart-distribution']).toMatchObject({ series: 1 + phasesWithSamples, points: 51 });

    // The fault band: from the inject event to the clear event, drawn there on every time chart.
    const inject = report.timeline.find((e) => e.source === 'fault' && e.type === 'inject')!;
    const clear = report.timeline.find((e) => e.source === 'fault' && e.type === 'clear')!;
    for (const chart of ['chart-latency', 'chart-load', 'chart-signal']) {
      const band = await page.$eval(`#${chart} .u-over .band-fault`, (e) => ({ from: Number(e.getAttribute('data-from')), to: Number(e.getAttribute('data-to')), text: e.textContent }));
      expect(band).toEqual({ from: inject.tMs / 1_000, to: clear.tMs / 1_000, text: 'latency 300 ms · bot_to_bridge' });
      const [left] = await leftPx(page, `#${chart} .u-over .band-fault`);
      expect(left!).toBeCloseTo(await expectedLeftPx(page, chart, inject.tMs / 1_000, report), 0);
    }
    // The step's action and recovery marks, and the phases named in the strip above the plot.
    const step = report.steps[0]!;
    const [action] = await leftPx(page, '#chart-latency .mark-action');
    expect(action!).toBeCloseTo(await expectedLeftPx(page, 'chart-latency', step.tMs / 1_000, report), 0);
    const [recovery] = await leftPx(page, '#chart-latency .mark-recovery');
    expect(recovery!).toBeCloseTo(await expectedLeftPx(page, 'chart-latency', (step.tMs + step.recoveryMs!) / 1_000, report), 0);
    expect(await page.$eval('#chart-latency .mark-recovery', (e) => e.textContent)).toBe(`recovered ${step.recoveryMs} ms`);
    expect(await page.$$eval('#chart-latency .phase-strip .band-label', (els) => els.map((e) => e.textContent))).toEqual(report.phases.map((p) => p.name));
    expect(await page.$$eval('section h2', (els) => els.map((e) => e.textContent))).toEqual(
      expect.arrayContaining(['Thresholds against observed values', 'Drill steps', 'Timeline', 'Services']),
    );
    const rowsOf = (title: string) =>
      page.$$eval('section', (sections, t) => sections.find((x) => x.querySelector('h2')?.textContent === t)?.querySelectorAll('tbody tr').length ?? -1, title);
    expect(await rowsOf('Timeline')).toBe(report.timeline.length);
    expect(await rowsOf('Services')).toBe(report.services.length);
    // Readable at 1280×800: nothing widens the page past the screen.
    expect(await page.$eval('html', (e) => e.scrollWidth)).toBeLessThanOrEqual(1280);
    await screenshot(page, 'html-report-run.png');
    // On paper the charts redraw at the print width and the figure tables open.
    await page.emulateMediaType('print');
    const printed = () => page.$eval('#chart-latency', (f) => [(globalThis as unknown as { drillCharts: Record<string, { width: number }> }).drillCharts[f.id]!.width, f.parentElement!.querySelector('details')!.open]);
    await page.waitForFunction(() => (globalThis as unknown as { drillCharts: Record<string, { width: number }> }).drillCharts['chart-latency']!.width === 680, { timeout: 5_000 });
    expect(await printed()).toEqual([680, true]);
    await page.pdf({ path: path.join(artifacts, 'html-report-run.pdf'), format: 'A4', printBackground: true });
    expect(consoleErrors).toEqual([]);
  });

  it('drill report html writes the same page from report.json', async () => {
    const out = path.join(passed.runDir, 'again.html');
    const drill = startDrill(['report', 'html', path.join(passed.runDir, 'report.json'), '--out', out], {});
    expect((await drill.exit).code, drill.output()).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(path.join(passed.runDir, 'report.html'), 'utf8'));
    const bad = startDrill(['report', 'html', path.join(passed.runDir, 'report.md')], {});
    expect((await bad.exit).code).toBe(2);
    expect(bad.output()).toMatch(/report\.md is not JSON/);
  });

  it('shows a failed run with the threshold that failed it', async () => {
    const { code, runDir } = await runScenarioFile(scenarioFile('html-fail', 'thresholds:\n  reply_latency{phase:fault-0-latency}: ["p(50)<100"]\n'));
    expect(code).toBe(1);
    const { page, consoleErrors, requests } = await openFile(browser, path.join(runDir, 'report.html'));
    expect([consoleErrors, requests]).toEqual([[], []]);
    expect(await page.$eval('[data-verdict]', (e) => e.textContent)).toBe('FAIL');
    expect(await page.$eval('.verdict li', (e) => e.textContent)).toMatch(/^reply_latency p\(50\)<100 in fault-0-latency: observed 3\d\d ms$/);
    expect(await page.$$eval('td.bad', (els) => els.map((e) => e.textContent))).toContain('✘ fail');
    await screenshot(page, 'html-report-failed.png');
  });

  it('shows an errored run: the error, and charts without data say so', async () => {
    // A worker pool of 0 is a configuration the bot refuses: it exits before it is ready.
    const { code, report, runDir } = await runScenarioFile(scenarioFile('html-error', '', '{ kind: bot, env: { WORKER_POOL_SIZE: 0 } }'));
    expect(code).toBe(3);
    expect(report.verdict).toBe('error');
    expect(existsSync(path.join(runDir, 'report.html'))).toBe(true);
    const { page, consoleErrors, requests } = await openFile(browser, path.join(runDir, 'report.html'));
    expect([consoleErrors, requests]).toEqual([[], []]);
    expect(await page.$eval('[data-verdict]', (e) => e.textContent)).toBe('ERROR');
    expect(await page.$eval('.errors', (e) => e.textContent)).toMatch(/bot exited before it was ready.*WORKER_POOL_SIZE must be an integer >= 1, got "0"/s);
    expect(await page.$eval('.verdict li', (e) => e.textContent)).toMatch(/^error: ServiceError: bot exited before it was ready/);
    expect(await page.$$eval('.chart-section .empty', (els) => els.length)).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'html-report-errored.png');
  });
});
