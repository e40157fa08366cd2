/**
 * False alarms and detection of `drill compare`: N short runs of the known-good release and N of each regressed
 * release, each judged against a baseline pooled from three known-good runs, as `drill gate` judges.
 *
 *   BENCH_COMPARE_RUNS   runs per release (default 20)
 *   BENCH_COMPARE_SET    signal | retries | wavry | all (default all)
 *   BENCH_COMPARE_OUT    where the runs and the figures (results-<set>.json) go (default a temporary folder)
 *   BENCH_COMPARE_REUSE  1: run nothing, judge again the runs already in BENCH_COMPARE_OUT
 *   BENCH_COMPARE_BASELINE_AT  index of the first of the three known-good runs pooled as the baseline (default 0);
 *                        the other known-good runs are the A/A candidates
 *
 * Prints, per scenario: the false-alarm rate (A/A verdicts other than pass), the detection rate of each
 * regression (Fail naming the regressed SLI), and the time a comparison takes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareReleases } from '../src/compare/release-comparison.ts';
import { HistoryStore } from '../src/compare/history-store.ts';
import { poolReports } from '../src/compare/report-pool.ts';
import { loadScenarioFile } from '../src/scenario/scenario-loader.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Case {
  scenario: string;
  known: string;
  regressions: { release: string; sli: RegExp; what: string }[];
}

const sets: Record<string, Case> = {
  signal: {
    scenario: 'scenarios/signal-gate.yaml',
    known: '1.4.0',
    regressions: [
      { release: '1.4.1', sli: /reply_latency/, what: '+40 ms handler latency' },
      { release: '1.4.2', sli: /reply_latency/, what: 'tail only (1 in 25 replies +400 ms)' },
    ],
  },
  retries: { scenario: 'scenarios/signal-retries.yaml', known: '1.4.0', regressions: [{ release: '1.4.3', sli: /duplicate_replies/, what: 'double reply on a retried send' }] },
  wavry: { scenario: 'scenarios/wavry-gate.yaml', known: '0.0.5', regressions: [{ release: '0.0.7', sli: /handshake_failures/, what: '+2 points of handshake failures' }] },
};

function runOnce(scenario: string, release: string, dir: string): void {
  const result = spawnSync(process.execPath, [path.join(root, 'bin/drill.js'), 'run', scenario, '--release', release, '--report-dir', dir, '--log-level', 'error'], { cwd: root, stdio: 'ignore', env: { ...process.env, DRILL_FROM_SOURCES: '1' } });
  if (result.status !== 0 && result.status !== 1) console.log(`  run of ${release} exited ${result.status}`);
}

async function benchSet(name: string, c: Case, runs: number, out: string): Promise<Record<string, unknown>> {
  const dir = path.join(out, name);
  mkdirSync(dir, { recursive: true });
  const store = new HistoryStore(path.join(dir, 'history'));
  const { scenario } = await loadScenarioFile(path.join(root, c.scenario));
  if (process.env['BENCH_COMPARE_REUSE'] !== '1') {
    for (let i = 0; i < 3 + runs; i++) runOnce(c.scenario, c.known, dir);
    for (const r of c.regressions) for (let i = 0; i < runs; i++) runOnce(c.scenario, r.release, dir);
  }
  const kept = await store.runs(scenario.name);
  const reportsOf = async (release: string) => Promise.all(kept.filter((k) => k.release === release).map((k) => store.read(k)));
  const known = await reportsOf(c.known);
  const at = Number(process.env['BENCH_COMPARE_BASELINE_AT'] ?? 0);
  const baseline = poolReports(known.slice(at, at + 3));
  const elapsed: number[] = [];
  const judge = (report: (typeof known)[number]) => {
    const result = compareReleases(baseline, poolReports([report]), scenario);
    elapsed.push(result.elapsedMs);
    return result;
  };
  const aa = [...known.slice(0, at), ...known.slice(at + 3)].map(judge);
  const figures: Record<string, unknown> = {
    scenario: scenario.name,
    baseline: baseline.runIds,
    aa: { comparisons: aa.length, notPass: aa.filter((r) => r.verdict !== 'pass').length, reasons: aa.filter((r) => r.verdict !== 'pass').map((r) => r.reasons.join(' · ')) },
  };
  for (const r of c.regressions) {
    const results = (await reportsOf(r.release)).map(judge);
    const detected = results.filter((x) => x.verdict === 'fail' && x.reasons.some((reason) => r.sli.test(reason)));
    figures[r.release] = { what: r.what, comparisons: results.length, detected: detected.length, missed: results.filter((x) => !detected.includes(x)).map((x) => `${x.verdict}: ${x.reasons[0] ?? ''}`) };
  }
  elapsed.sort((a, b) => a - b);
  figures['compareMs'] = { median: elapsed[Math.floor(elapsed.length / 2)], max: elapsed.at(-1) };
  return figures;
}

export async function run(): Promise<void> {
  const runs = Number(process.env['BENCH_COMPARE_RUNS'] ?? 20);
  const wanted = process.env['BENCH_COMPARE_SET'] ?? 'all';
  const out = process.env['BENCH_COMPARE_OUT'] ?? mkdtempSync(path.join(os.tmpdir(), 'drill-compare-bench-'));
  for (const [name, c] of Object.entries(sets)) {
    if (wanted !== 'all' && wanted !== name) continue;
    const figures = await benchSet(name, c, runs, out);
    writeFileSync(path.join(out, `results-${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(JSON.stringify(figures, null, 2));
  }
}
