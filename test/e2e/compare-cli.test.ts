/**
 * `drill compare` and `drill baseline` on stored runs (the committed gate baseline): no load runs here. The
 * HTML page of a regressed comparison is opened from file:// in the distribution's Chromium (screenshot in reports/).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDrill } from '../helpers/drill-cli.ts';
import { chromiumMissing, launchBrowser, openFile } from '../helpers/headless-page.ts';

const history = 'test/gate/history';
const oneRun = 'signal-gate-20261203-064255-fa13';

async function drill(args: string[]): Promise<{ code: number | null; output: string }> {
  const run = startDrill(args, {});
  const { code } = await run.exit;
  return { code, output: run.output() };
}

/** A candidate built from a stored run: the bot's pool size 4 instead of 16, every reply 100 ms slower. */
async function slowerCandidate(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-compare-'));
  cpSync(path.join(history, 'signal-gate/1.4.0', oneRun, 'report.json'), path.join(dir, 'report.json'));
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as { services: { name: string; config: { env: Record<string, string> } }[]; histograms: Record<string, unknown> };
  report.services.find((s) => s.name === 'bot')!.config.env['WORKER_POOL_SIZE'] = '4';
  // A slower candidate built from the stored one: every recorded value + 100 ms.
  const { LatencyHistogram } = await import('../../src/load/latency-histogram.ts');
  const stored = LatencyHistogram.fromJSON(report.histograms['reply_latency']);
  const slower = new LatencyHistogram();
  for (const bucket of stored.buckets()) for (let i = 0; i < bucket.count; i++) slower.recordMs(bucket.valueMs + 100);
  report.histograms['reply_latency'] = slower.toJSON();
  writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report));
  return path.join(dir, 'report.json');
}

describe('drill compare', () => {
  it('judges one kept run against the pooled marked baseline: Pass, with every rollback threshold and SLI listed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-compare-'));
    const { code, output } = await drill(['compare', 'baseline', oneRun, '--history', history, '--json', path.join(dir, 'c.json')]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/## signal-gate: 1\.4\.0 against baseline 1\.4\.0: \*\*PASS\*\*/);
    expect(output).toMatch(/\| `duplicate_replies > baseline \+ 1pt` \| 0 \| 0\.01 \| 0 \| no \|/);
    const result = JSON.parse(readFileSync(path.join(dir, 'c.json'), 'utf8')) as { baseline: { runIds: string[] }; slis: { sli: string; test: string }[] };
    expect(result.baseline.runIds).toHaveLength(3);
    expect(result.slis.find((s) => s.sli === 'reply_latency')?.test).toBe('mann-whitney+bootstrap');
  });

  it('lists configuration drift and fails a candidate whose replies are all 100 ms slower', async () => {
    const { code, output } = await drill(['compare', 'baseline', await slowerCandidate(), '--history', history, '--scenario', 'scenarios/signal-gate.yaml']);
    expect(code, output).toBe(1);
    expect(output).toMatch(/- critical reply_latency High: median/);
    expect(output).toMatch(/\| bot \| env\.WORKER_POOL_SIZE \| 16 \| 4 \|/);
  });

  it('says what is wrong with an argument (exit 2) and that a missing baseline cannot be judged (exit 3)', async () => {
    expect(await drill(['compare', 'no-such-run', oneRun, '--history', history])).toMatchObject({ code: 2, output: expect.stringMatching(/"no-such-run" is no report file, folder, run id or release of signal-gate/) });
    const empty = mkdtempSync(path.join(os.tmpdir(), 'drill-compare-'));
    cpSync(path.join(history, 'signal-gate/1.4.0'), path.join(empty, 'signal-gate/1.4.0'), { recursive: true });
    expect(await drill(['compare', 'baseline', oneRun, '--history', empty])).toMatchObject({ code: 3, output: expect.stringMatching(/no baseline is marked for signal-gate/) });
    expect(await drill(['baseline', 'mark', '1.4.0', '--history', empty])).toMatchObject({ code: 0, output: expect.stringMatching(/baseline is now 1\.4\.0 \(3 runs/) });
    expect(await drill(['compare', 'baseline', oneRun, '--history', empty])).toMatchObject({ code: 0 });
  });
});

describe('drill compare --html', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing) throw new Error(missing);
    browser = await launchBrowser();
  });
  afterAll(async () => browser?.close());

  it('writes a page that loads offline, overlays baseline and candidate, and names the regressed SLI High', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-compare-')), 'compare.html');
    const { code, output } = await drill(['compare', 'baseline', await slowerCandidate(), '--history', history, '--scenario', 'scenarios/signal-gate.yaml', '--html', out]);
    expect(code, output).toBe(1);
    const { page, consoleErrors, requests } = await openFile(browser!, out);
    expect([consoleErrors, requests]).toEqual([[], []]);
    expect(await page.$eval('[data-verdict]', (e) => e.getAttribute('data-verdict'))).toBe('fail');
    const chart = await page.$eval('#chart-distribution-reply_latency', (f) => {
      const u = (globalThis as unknown as { drillCharts: Record<string, { series: { label: string }[]; data: unknown[][] }> }).drillCharts[f.id]!;
      return { series: Number(f.getAttribute('data-series')), points: Number(f.getAttribute('data-points')), labels: u.series.slice(1).map((s) => s.label), lengths: u.data.slice(1).map((d) => d.length) };
    });
    expect(chart).toMatchObject({ series: 2, points: 51, lengths: [51, 51] });
    expect(chart.labels).toEqual([expect.stringMatching(/^baseline 1\.4\.0 \(n=\d+\)$/), expect.stringMatching(/^candidate 1\.4\.0 \(n=\d+\)$/)]);
    const rows = await page.$$eval('table.sli-comparison tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')));
    const latency = rows.find((r) => r[0] === 'run' && r[1] === 'reply_latency');
    expect(latency?.[9]).toBe('High (critical)');
    expect(latency?.[5]).toMatch(/^\+\d+(\.\d+)? ms \[/);
    expect(await page.$eval('body', (b) => b.textContent)).toMatch(/env\.WORKER_POOL_SIZE164/);
    mkdirSync('reports', { recursive: true });
    await page.screenshot({ path: 'reports/compare-regressed.png', fullPage: true });
  });
});
