/**
 * `drill export k6`: a scenario's load as a k6 test in TypeScript (k6 1.x runs it as is), typed against
 * @types/k6. The header lists what k6 cannot do of the scenario; the options keep drill's executor, rates,
 * stages, maxVUs, gracefulStop and thresholds; custom metrics carry drill's SLI names.
 */
import type { Scenario } from '../../scenario/scenario-schema.ts';
import { exportOptions, type K6ArrivalScenario, type K6Options } from './k6-options.ts';
import { scenarioLimits } from './k6-limits.ts';
import { httpScript } from './http-script.ts';
import { runtimeSource } from './script-runtime.ts';
import { signalScript } from './signal-script.ts';
import { wavryScript } from './wavry-script.ts';
import type { WorkloadScript } from './workload-script.ts';

export interface K6Script {
  /** File name, `<scenario>.k6.ts`. */
  fileName: string;
  source: string;
  options: Omit<K6Options, 'scenarios'> & { scenarios: Record<string, K6ArrivalScenario | Record<string, unknown>> };
  /** What k6 cannot reproduce, one line each. */
  limits: string[];
  /** drill SLIs the script measures. */
  produced: string[];
  /** Environment variables the runner must set (name → what it is). */
  env: Record<string, string>;
}

export const DEFAULT_STEP_RECOVERY_MS = 5_000;

function workloadScript(scenario: Scenario): WorkloadScript {
  const workload = scenario.workload;
  switch (workload.type) {
    case 'signal':
      return signalScript(scenario, workload);
    case 'http':
      return httpScript(workload);
    case 'wavry':
      return wavryScript(workload);
  }
}

export function writeK6Script(scenario: Scenario, sourceFile: string, stepRecoveryMs = DEFAULT_STEP_RECOVERY_MS): K6Script {
  const part = workloadScript(scenario);
  const exported = exportOptions(scenario, new Set(part.produced), stepRecoveryMs);
  const options = { ...exported.options, scenarios: { ...exported.options.scenarios, ...part.extraScenarios } };
  const limits = scenarioLimits(scenario, part.limits, exported.notExported, stepRecoveryMs);
  const header = [
    `k6 test exported by drill from ${sourceFile} (scenario ${scenario.name}, release ${scenario.release}, seed ${scenario.seed}).`,
    `Run: k6 run ${Object.keys(part.env)
      .map((name) => `-e ${name}=URL `)
      .join('')}--summary-export summary.json --out json=results.json ${scenario.name}.k6.ts`,
    '  then: drill import k6 summary.json results.json',
    ...Object.entries(part.env).map(([name, what]) => `  ${name}: ${what}`),
    '',
    'What this k6 test does NOT reproduce of the scenario:',
    ...limits.map((line) => `  - ${line}`),
  ];
  const source = [
    `/*\n${header.map((line) => ` * ${line}`.trimEnd()).join('\n')}\n */`,
    "import exec from 'k6/execution';",
    ...part.imports,
    "import type { Options } from 'k6/options';",
    '',
    `export const options: Options = ${JSON.stringify(options, null, 2)};`,
    '',
    runtimeSource(exported.profiles, exported.windows, scenario.seed),
    part.body,
  ].join('\n');
  return { fileName: `${scenario.name}.k6.ts`, source, options, limits, produced: part.produced, env: part.env };
}
