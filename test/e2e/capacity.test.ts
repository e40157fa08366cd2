/**
 * `drill capacity` against a stack whose limit is known (Little's law): a bot whose every command takes
 * S = 500 ms (350 ms of handler work + the bridge's 150 ms per send) with N workers on one queue takes N / S
 * messages/s. The vary sweep over N = 2 and 4 must find 4/s and 8/s within ±10 %, name the bot's worker
 * utilisation as what saturated first, and keep the declared headroom with 4 workers; capacity.html opens from
 * file:// with no console error. A slower release (S = 600 ms, 2 workers) then misses the headroom (exit 1) and
 * the trend says what it lost against the first run in the history. SIGINT mid-sweep writes an interrupted
 * report and leaves no process behind.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import { capacityReportSchema, type CapacityReport } from '../../src/capacity/capacity-report-schema.ts';
import { drillSync, runFolders, startDrill } from '../helpers/drill-cli.ts';
import { chromiumMissing, launchBrowser, openFile } from '../helpers/headless-page.ts';

const SCENARIO = path.resolve('scenarios/signal-capacity.yaml');
const SERVICE_TIME_S = 0.5;

interface CapacityRun {
  code: number | null;
  report: CapacityReport;
  runDir: string;
  output: string;
}

async function capacityRun(file: string, reportsDir: string, stateDir: string, args: string[] = []): Promise<CapacityRun> {
  const before = existsSync(reportsDir) ? runFolders(reportsDir) : [];
  const drill = startDrill(['capacity', file, '--report-dir', reportsDir, ...args], { DRILL_STATE_DIR: stateDir });
  const { code } = await drill.exit;
  const runId = (existsSync(reportsDir) ? runFolders(reportsDir) : []).find((r) => !before.includes(r));
  if (!runId) throw new Error(`drill capacity wrote no run folder (exit ${code}):\n${drill.output()}`);
  const runDir = path.join(reportsDir, runId);
  const report = capacityReportSchema.parse(JSON.parse(readFileSync(path.join(runDir, 'capacity.json'), 'utf8')));
  return { code, report, runDir, output: drill.output() };
}

function records(stateDir: string): unknown[] {
  if (!existsSync(stateDir)) return [];
  return readdirSync(stateDir).filter((f) => f.endsWith('.json'));
}

describe('drill capacity input', () => {
  it('a bad capacity key exits 2 with file:line:col, before any service starts', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-capacity-bad-')), 'bad.yaml');
    writeFileSync(file, readFileSync(SCENARIO, 'utf8').replace('headroom: 30%', 'headroom: plenty'));
    const result = drillSync(['capacity', file, '--report-dir', path.join(path.dirname(file), 'reports')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.yaml:\d+:\d+/);
    expect(result.stderr).toContain('capacity.headroom');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(path.dirname(file), 'reports'))).toBe(false);
  });
});

describe('drill capacity on the Little\'s-law stack', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-capacity-'));
  const reportsDir = path.join(dir, 'reports');
  const stateDir = path.join(dir, 'state');
  let first: CapacityRun;
  let browser: Browser | undefined;

  beforeAll(async () => {
    first = await capacityRun(SCENARIO, reportsDir, stateDir);
  }, 170_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('finds N / S for N = 2 and N = 4 within ±10 %, and keeps the headroom with 4 workers', () => {
    const { report } = first;
    expect(first.code, first.output).toBe(0);
    expect(report.verdict).toBe('kept');
    const [two, four] = report.sweeps;
    expect(report.sweeps.map((s) => s.vary?.value)).toEqual(['2', '4']);
    for (const [sweep, workers] of [[two!, 2], [four!, 4]] as const) {
      const theory = workers / SERVICE_TIME_S;
      expect(sweep.stopReason, sweep.stopDetail).toBe('resolved');
      expect(sweep.capacity! / theory, `${sweep.label}: measured ${sweep.capacity}/s, theory ${theory}/s`).toBeGreaterThanOrEqual(0.9);
      expect(sweep.capacity! / theory, `${sweep.label}: measured ${sweep.capacity}/s, theory ${theory}/s`).toBeLessThanOrEqual(1.1);
      // The first failing rate is within the resolution of the capacity: the bisection converged on it.
      expect(sweep.firstBad! / sweep.capacity! - 1).toBeLessThanOrEqual(0.051);
      // A saturated bot completes messages at its capacity, whatever is offered.
      const overloaded = sweep.steps.find((s) => s.offered > theory * 1.2)!;
      expect(overloaded.pass).toBe(false);
      expect(overloaded.limitedBy).toBe('slo');
      expect(overloaded.failures.join(' ')).toContain('reply_latency');
      expect(overloaded.achieved / theory).toBeGreaterThan(0.85);
      expect(overloaded.achieved / theory).toBeLessThan(1.1);
      expect(sweep.saturated).toMatchObject({ component: 'bot', signal: 'worker_utilisation' });
      expect(sweep.saturated!.level).toBeGreaterThanOrEqual(0.8);
      // Far from CPU saturation: the limit is the workers, not the machine.
      const cpu = overloaded.signals.find((s) => s.component === 'bot' && s.signal === 'cpu')!;
      expect(cpu.level).toBeLessThan(0.5);
    }
    expect(report.scaling!.key).toBe('bot.env.WORKER_POOL_SIZE');
    expect(report.scaling!.points[1]!.efficiency).toBeGreaterThan(0.7);
    expect(report.headroom).toMatchObject({ peak: 5, required: 6.5, kept: true });
    expect(readFileSync(path.join(first.runDir, 'capacity.md'), 'utf8')).toContain('| WORKER_POOL_SIZE=4 |');
    expect(existsSync(path.join(reportsDir, 'history', 'signal-capacity', '1.4.0-service-350ms', first.report.runId, 'capacity.json'))).toBe(true);
    expect(first.output).toMatch(/capacity \[WORKER_POOL_SIZE=2\] step 1 coarse 2 msg\/s: .* → pass/);
    expect(records(stateDir)).toEqual([]);
  });

  it.skipIf(chromiumMissing())('capacity.html opens from file:// with the throughput and latency curves, capacity and knee marked', async () => {
    browser = await launchBrowser();
    const opened = await openFile(browser, path.join(first.runDir, 'capacity.html'));
    expect(opened.consoleErrors).toEqual([]);
    expect(opened.requests).toEqual([]);
    const figures = await opened.page.$$eval('figure[data-chart]', (fs) => fs.map((f) => ({ id: f.id, points: Number(f.getAttribute('data-points')), marks: f.parentElement!.querySelectorAll('.mark').length })));
    expect(figures.map((f) => f.id)).toEqual(['chart-capacity-throughput-0', 'chart-capacity-latency-0', 'chart-capacity-throughput-1', 'chart-capacity-latency-1']);
    for (const f of figures) expect(f.points).toBeGreaterThan(0);
    // The capacity mark at least (the knee too when the p99 curve has one).
    for (const f of figures) expect(f.marks).toBeGreaterThanOrEqual(1);
    expect(await opened.page.$eval('[data-verdict]', (e) => e.getAttribute('data-verdict'))).toBe('kept');
  });

  it('a slower release misses the headroom (exit 1) and the trend says how much capacity it lost', async () => {
    const text = readFileSync(SCENARIO, 'utf8').replace(/\n  vary:\n.*\n/, '\n');
    const file = path.join(dir, 'signal-capacity.yaml');
    // maxSteps 3: 2/s, 5/s (fails, achieving ~3.3/s), then 3.33/s; the step bound stops the bisection there.
    writeFileSync(file, text.replace('maxSteps: 12', 'maxSteps: 3'));
    const slower = await capacityRun(file, reportsDir, stateDir, ['--release', '1.4.0-service-450ms']);
    expect(slower.report.sweeps[0]!.stopReason).toBe('max-steps');
    expect(slower.report.sweeps[0]!.steps).toHaveLength(3);
    expect(slower.code, slower.output).toBe(1);
    expect(slower.report.verdict).toBe('missed');
    expect(slower.report.headroom!.kept).toBe(false);
    expect(slower.report.headroom!.margin).toBeLessThan(0);
    // 2 workers / 600 ms = 3.33/s, against 4/s: about 17 % less.
    expect(slower.report.trend).toMatchObject({ previousRelease: '1.4.0-service-350ms', previousRunId: first.report.runId });
    expect(slower.report.trend!.change).toBeLessThan(-0.05);
    expect(slower.report.trend!.text).toMatch(/^1\.4\.0-service-450ms lost \d+(\.\d)? % of 1\.4\.0-service-350ms's capacity/);
    expect(slower.output).toContain('misses the headroom by');
  }, 90_000);

  it('SIGINT mid-sweep writes an interrupted capacity report and leaves no process behind', async () => {
    const reports = path.join(dir, 'interrupted');
    const drill = startDrill(['capacity', SCENARIO, '--report-dir', reports], { DRILL_STATE_DIR: stateDir });
    await drill.waitForOutput(/sweeping from 2 msg\/s/, 40_000);
    drill.child.kill('SIGINT');
    const exit = await drill.exit;
    expect(exit.code, drill.output()).toBe(3);
    const [runId] = runFolders(reports);
    const report = capacityReportSchema.parse(JSON.parse(readFileSync(path.join(reports, runId!, 'capacity.json'), 'utf8')));
    expect(report.interrupted).toBe(true);
    expect(report.verdict).toBe('interrupted');
    expect(report.sweeps[0]!.steps.at(-1)!.limitedBy).toBe('interrupted');
    expect(records(stateDir)).toEqual([]);
    // Not kept in the history: an interrupted sweep measured no capacity worth trending.
    expect(existsSync(path.join(reports, 'history'))).toBe(false);
  }, 60_000);
});
