/**
 * `drill export k6 SCENARIO [--out DIR] [--k6-operator --parallelism N]`: writes the scenario's load as a k6 test,
 * and with --k6-operator the manifests that run it on a cluster. What k6 cannot do of the scenario is printed.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDuration } from '../../common/duration.ts';
import { ExitCode, UsageError } from '../../common/errors.ts';
import { DEFAULT_STEP_RECOVERY_MS, writeK6Script } from '../../interop/k6/k6-script.ts';
import { executionSegments } from '../../interop/k6/execution-segments.ts';
import { testRunManifest } from '../../interop/k6/testrun-manifest.ts';
import { loadScenarioFile } from '../../scenario/scenario-loader.ts';
import type { CommandIo } from '../commands.ts';
import { parseOptions } from './parse-options.ts';

export const k6ExportUsage = `  drill export k6 FILE [options]   write the scenario's load as a k6 test (FILE.k6.ts) and list what k6 cannot do
      --out DIR                    write here (default .)
      --k6-operator                also write FILE.testrun.yaml: ConfigMap, results claim and k6-operator TestRun
      --parallelism N              runners of the TestRun (default 1); k6 execution segments split the rate
      --env NAME=URL               runner environment in the TestRun (how runners reach the stack; repeatable)
      --step-recovery DURATION     when a drill step's after- phase starts after its action (default 5s)
`;

function positiveInteger(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer, got "${text}"`);
  return value;
}

function envPairs(pairs: string[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (pairs ?? []).map((pair) => {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(pair);
      if (!match) throw new UsageError(`--env takes NAME=VALUE, got "${pair}"`);
      return [match[1]!, match[2]!];
    }),
  );
}

export async function exportK6(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string', default: '.' },
        'k6-operator': { type: 'boolean', default: false },
        parallelism: { type: 'string' },
        env: { type: 'string', multiple: true },
        'step-recovery': { type: 'string' },
      },
    },
    k6ExportUsage,
  );
  if (positionals.length !== 1) throw new UsageError(`drill export k6 takes exactly one scenario file\n${k6ExportUsage}`);
  if (values.parallelism !== undefined && !values['k6-operator']) throw new UsageError('--parallelism is an option of --k6-operator');
  const parallelism = positiveInteger(values.parallelism, '--parallelism', 1);
  const recoveryText = values['step-recovery'];
  const stepRecoveryMs = recoveryText === undefined ? DEFAULT_STEP_RECOVERY_MS : parseDuration(recoveryText);
  if (stepRecoveryMs === undefined) throw new UsageError(`--step-recovery must be a duration such as "5s", got "${recoveryText}"`);
  const file = positionals[0]!;
  const { scenario } = await loadScenarioFile(path.resolve(io.cwd, file));
  const script = writeK6Script(scenario, file, stepRecoveryMs);
  const outDir = path.resolve(io.cwd, values.out!);
  await mkdir(outDir, { recursive: true });
  const scriptPath = path.join(outDir, script.fileName);
  await writeFile(scriptPath, script.source);
  io.stdout.write(
    `wrote ${path.relative(io.cwd, scriptPath) || scriptPath} (k6 scenarios: ${Object.keys(script.options.scenarios).join(', ')})\n`,
  );
  if (values['k6-operator']) {
    const env = { ...Object.fromEntries(Object.keys(script.env).map((name) => [name, ''])), ...envPairs(values.env) };
    const manifest = testRunManifest({
      name: `drill-${scenario.name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 50),
      scriptFile: script.fileName,
      scriptSource: script.source,
      parallelism,
      env,
    });
    const manifestPath = path.join(outDir, `${scenario.name}.testrun.yaml`);
    await writeFile(manifestPath, manifest.yaml);
    const segments = executionSegments(parallelism)
      .segments.map((s) => s.segment)
      .join(', ');
    io.stdout.write(
      `wrote ${path.relative(io.cwd, manifestPath) || manifestPath} (TestRun, ${parallelism} runner(s), execution segments ${segments})\n`,
    );
    const unset = Object.entries(env)
      .filter(([, value]) => value === '')
      .map(([name]) => name);
    if (unset.length > 0)
      io.stdout.write(`set ${unset.join(', ')} in the TestRun's runner env (or --env NAME=URL): how runners reach the stack\n`);
  }
  io.stdout.write(`k6 cannot reproduce, of ${scenario.name}:\n${script.limits.map((line) => `  - ${line}\n`).join('')}`);
  return ExitCode.Pass;
}
