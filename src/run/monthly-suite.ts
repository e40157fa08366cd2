/**
 * The monthly suite: every playbook of a folder (or the named ones) run one after the other against a release,
 * then one suite report with the trend from the earlier ones. An interrupt stops the drill in progress (its run
 * tears down, resets faults and runs its rollbacks), and the suite report is written marked `interrupted`.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { ExitCode, UsageError } from '../common/errors.ts';
import type { Logger } from '../common/logger.ts';
import { HistoryReporter } from '../compare/history-reporter.ts';
import { HistoryStore } from '../compare/history-store.ts';
import { HtmlReporter } from '../report/html-reporter.ts';
import { JsonReporter } from '../report/json-reporter.ts';
import { MarkdownReporter } from '../report/markdown-reporter.ts';
import { writeSuiteReport } from '../report/suite-history.ts';
import { SuiteProgressReporter } from '../report/suite-progress-reporter.ts';
import { suiteDrillOf, type SuiteDrill, type SuiteReport } from '../report/suite-report.ts';
import { newRunId } from './run-id.ts';
import { runScenario } from './scenario-run.ts';
import { loadScenarioFile, type LoadedScenario } from '../scenario/scenario-loader.ts';
import { loadDurationMs } from '../scenario/step-rules.ts';

/** Start-up, drain and teardown a drill takes besides its load, for the estimate of the time left, ms. */
const OVERHEAD_MS = 10_000;

export interface SuiteOptions {
  cwd: string;
  /** Folder of the playbooks. */
  drillsDir: string;
  /** Only these drills (names without `.yaml`), in this order. */
  only?: string[];
  release?: string;
  runtime?: 'process' | 'docker';
  /** Runs go to `<reportsDir>/<run>/`, suite reports to `<reportsDir>/monthly/`. */
  reportsDir: string;
  out: Writable;
  logger: Logger;
  signal: AbortSignal;
}

export interface SuiteOutcome {
  report: SuiteReport;
  file: string;
  exitCode: number;
}

export async function drillFiles(drillsDir: string, only: string[] | undefined): Promise<{ name: string; file: string }[]> {
  const all = (await readdir(drillsDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const byName = new Map(all.map((f) => [f.replace(/\.ya?ml$/, ''), path.join(drillsDir, f)]));
  if (!only) return [...byName].map(([name, file]) => ({ name, file }));
  const missing = only.filter((n) => !byName.has(n));
  if (missing.length)
    throw new UsageError(
      `--drills: no drill ${missing.map((m) => `"${m}"`).join(', ')} in ${drillsDir}; it has ${[...byName.keys()].join(', ')}`,
    );
  return only.map((name) => ({ name, file: byName.get(name)! }));
}

export async function runMonthlySuite(options: SuiteOptions): Promise<SuiteOutcome> {
  const drills = await drillFiles(options.drillsDir, options.only);
  // Every file is validated before anything starts: a typo in the last drill must not cost the first ones' time.
  const loaded: LoadedScenario[] = [];
  for (const drill of drills) loaded.push(await loadScenarioFile(drill.file));
  for (const l of loaded) {
    if (options.release) l.scenario.release = options.release;
    if (options.runtime) l.scenario.runtime = options.runtime;
    l.scenario.report.dir = options.reportsDir;
  }
  const startedAtMs = Date.now();
  const suiteId = newRunId('monthly').replace(/^monthly-/, '');
  const progress = new SuiteProgressReporter(
    options.out,
    drills.map((d) => d.name),
    loaded.map((l) => loadDurationMs(l.scenario) + OVERHEAD_MS),
    startedAtMs,
  );
  const results: SuiteDrill[] = [];
  let worst: number = ExitCode.Pass;
  for (const [i, drill] of drills.entries()) {
    if (options.signal.aborted) {
      results.push({
        name: drill.name,
        file: drill.file,
        verdict: 'not-run',
        reasons: ['the suite was interrupted before it'],
        recoveries: [],
        errorBudget: [],
        phases: {},
      });
      continue;
    }
    progress.next(i);
    const outcome = await runScenario(loaded[i]!, {
      cwd: options.cwd,
      logger: options.logger,
      reporters: [
        new JsonReporter(),
        new MarkdownReporter(),
        new HtmlReporter(),
        new HistoryReporter(new HistoryStore(path.resolve(options.cwd, options.reportsDir, 'history'))),
        progress,
      ],
      signal: options.signal,
    });
    const monthlyDir = path.resolve(options.cwd, options.reportsDir, 'monthly');
    results.push(
      suiteDrillOf(
        drill.name,
        path.relative(options.cwd, drill.file),
        outcome.report,
        outcome.exitCode,
        path.relative(monthlyDir, outcome.runDir),
      ),
    );
    worst = Math.max(worst, outcome.exitCode);
  }
  const interrupted = options.signal.aborted;
  const suite = {
    schema: 'drill.suite/v1' as const,
    suiteId,
    release: options.release ?? [...new Set(loaded.map((l) => l.scenario.release))].join(', '),
    runtime: options.runtime ?? [...new Set(loaded.map((l) => l.scenario.runtime))].join(', '),
    startedAtMs,
    endedAtMs: Date.now(),
    verdict: interrupted ? ('interrupted' as const) : results.every((r) => r.verdict === 'pass') ? ('pass' as const) : ('fail' as const),
    drills: results,
  };
  const written = await writeSuiteReport(path.resolve(options.cwd, options.reportsDir, 'monthly'), suite);
  for (const name of written.skipped) options.logger.warn(`suite history: ${name} is not a suite report; left out of the trend`);
  return { report: written.report, file: written.file, exitCode: interrupted ? ExitCode.Infrastructure : worst };
}
