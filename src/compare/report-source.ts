/**
 * What `drill compare` accepts for each side, tried in this order:
 *  1. a report.json file;
 *  2. a folder: a run folder (its report.json) or any folder holding run folders (a history release folder), pooled;
 *  3. `baseline`: the runs marked as the scenario's baseline;
 *  4. a run id kept in the history;
 *  5. a release of the scenario in the history: all its runs, pooled.
 * 3 and 5 need the scenario, given or taken from the other side.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../report/report-schema.ts';
import { BaselineMissingError, CompareInputError } from './compare-errors.ts';
import { readReportFile, type HistoryStore } from './history-store.ts';
import { poolReports, type ReportPool } from './report-pool.ts';

/** Verdicts of runs whose figures can be compared. */
const COMPARABLE = new Set<Report['verdict']>(['pass', 'fail', 'aborted']);

/** `cwd` resolves relative paths. */
export async function resolveReports(spec: string, store: HistoryStore, scenario: string | undefined, cwd: string): Promise<Report[]> {
  const file = path.resolve(cwd, spec);
  if (existsSync(file)) return statSync(file).isDirectory() ? reportsInFolder(file) : [await readReportFile(file)];
  if (spec === 'baseline') {
    if (!scenario) throw new CompareInputError('"baseline" needs the scenario: give --scenario NAME or a report for the other side');
    const mark = await store.baseline(scenario);
    if (!mark) throw new BaselineMissingError(`no baseline is marked for ${scenario} in ${store.root}; mark one with: drill baseline mark RUN|RELEASE --scenario ${scenario}`);
    const runs = (await store.runs(scenario)).filter((r) => mark.runIds.includes(r.runId));
    if (runs.length === 0) throw new BaselineMissingError(`the baseline of ${scenario} (release ${mark.release}, runs ${mark.runIds.join(', ')}) has no run left in ${store.root}`);
    return Promise.all(runs.map((r) => store.read(r)));
  }
  const all = await store.runs();
  const run = all.find((r) => r.runId === spec);
  if (run) return [await store.read(run)];
  const ofRelease = all.filter((r) => r.release === spec && (scenario === undefined || r.scenario === scenario));
  const scenarios = new Set(ofRelease.map((r) => r.scenario));
  if (scenarios.size > 1) throw new CompareInputError(`release ${spec} has runs of several scenarios (${[...scenarios].join(', ')}); give --scenario NAME`);
  if (ofRelease.length === 0) throw new CompareInputError(`"${spec}" is no report file, folder, run id or release${scenario ? ` of ${scenario}` : ''} in ${store.root}`);
  return Promise.all(ofRelease.map((r) => store.read(r)));
}

/** Pools the comparable reports; throws when none is left. */
export function poolComparable(spec: string, reports: Report[]): ReportPool {
  const usable = reports.filter((r) => COMPARABLE.has(r.verdict));
  if (usable.length === 0) {
    throw new CompareInputError(`${spec}: no comparable run (${reports.map((r) => `${r.runId} ${r.verdict}`).join(', ') || 'none found'}); runs that errored or were interrupted are not compared`);
  }
  return poolReports(usable);
}

async function reportsInFolder(dir: string, depth = 0): Promise<Report[]> {
  const own = path.join(dir, 'report.json');
  if (existsSync(own)) return [await readReportFile(own)];
  if (depth >= 3) return [];
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.filter((e) => e.isDirectory() && e.name !== 'judgements').map((e) => reportsInFolder(path.join(dir, e.name), depth + 1)));
  return nested.flat();
}
