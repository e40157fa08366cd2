/** The scenario whose rollback thresholds and compare settings judge a comparison. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Report } from '../report/report-schema.ts';
import { loadScenarioFile } from '../scenario/scenario-loader.ts';
import type { JudgementSource } from './release-comparison.ts';

export interface ScenarioChoice {
  /** The scenario's name (history folder). */
  name: string | undefined;
  judging: JudgementSource | undefined;
}

/**
 * `--scenario` is a scenario file or a scenario name; without a file, the candidate report's own scenario file
 * is used when it still exists (relative to `cwd`), else the defaults judge and no rollback rule applies.
 */
export async function scenarioChoice(option: string | undefined, cwd: string, report?: Report): Promise<ScenarioChoice> {
  const file = option && /\.ya?ml$/i.test(option) ? option : report && !option ? report.scenario.file : undefined;
  if (file) {
    const resolved = path.resolve(cwd, file);
    if (existsSync(resolved)) {
      const { scenario } = await loadScenarioFile(resolved);
      return { name: scenario.name, judging: scenario };
    }
  }
  return { name: option && !/\.ya?ml$/i.test(option) ? option : report?.scenario.name, judging: undefined };
}
