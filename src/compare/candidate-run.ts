/**
 * Runs a scenario at a given release for a judgement (gate or canary): report.json and report.md in the run
 * folder, the run kept in the history, nothing on the terminal but the logger's lines.
 */
import type { Logger } from '../common/logger.ts';
import { JsonReporter } from '../report/json-reporter.ts';
import { MarkdownReporter } from '../report/markdown-reporter.ts';
import type { Report } from '../report/report-schema.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { HistoryReporter } from './history-reporter.ts';
import type { HistoryStore } from './history-store.ts';

export interface CandidateRunOptions {
  cwd: string;
  reportDir: string;
  store: HistoryStore;
  logger: Logger;
  signal: AbortSignal;
}

export interface FinishedRun {
  report: Report;
  runDir: string;
  exitCode: number;
}

/** `loaded` with `change` applied to a copy of its scenario. */
export function withScenario(loaded: LoadedScenario, change: (scenario: Scenario) => void): LoadedScenario {
  const scenario = structuredClone(loaded.scenario);
  change(scenario);
  return { ...loaded, scenario };
}

export async function runForJudgement(loaded: LoadedScenario, release: string, options: CandidateRunOptions): Promise<FinishedRun> {
  const { runScenario } = await import('../run/scenario-run.ts');
  const run = withScenario(loaded, (s) => {
    s.release = release;
    s.report.dir = options.reportDir;
  });
  return runScenario(run, {
    cwd: options.cwd,
    logger: options.logger,
    reporters: [new JsonReporter(), new MarkdownReporter(), new HistoryReporter(options.store)],
    signal: options.signal,
  });
}
