/** The subcommands of `drill`, each a function of its arguments and output streams returning an exit code. */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { ExitCode, formatIssue, ScenarioError, UsageError } from '../common/errors.ts';
import { createLogger, type LogLevel } from '../common/logger.ts';
import { HtmlReporter } from '../report/html-reporter.ts';
import { HistoryReporter } from '../compare/history-reporter.ts';
import { HistoryStore } from '../compare/history-store.ts';
import { JsonReporter } from '../report/json-reporter.ts';
import { MarkdownReporter } from '../report/markdown-reporter.ts';
import { ProgressReporter } from '../report/progress-reporter.ts';
import { reapDeadRuns } from '../runtime/run-registry.ts';
import { loadScenarioFile } from '../scenario/scenario-loader.ts';
import { dockerContainerRemover } from '../runtime/docker/container-remover.ts';
import { doctor, dockerUsage, images } from './commands/docker-commands.ts';
import { toxiproxyCommand, toxiproxyUsage } from './commands/toxiproxy-command.ts';
import { compareCommands, compareUsage } from './commands/compare-commands.ts';
import { gateCommands, gateUsage } from './commands/gate-commands.ts';
import { writeJsonSchemas } from '../scenario/json-schema.ts';
import { report, reportUsage } from './commands/report-command.ts';
import { monthly, monthlyUsage } from './commands/monthly-command.ts';
import { withRunSignals } from './run-signals.ts';
import { applyReleaseOptions } from './release-overrides.ts';
import { k6Export, k6Import, k6Usage } from './commands/k6-commands.ts';
import { capacity, capacityUsage } from './commands/capacity-command.ts';

export interface CommandIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  cwd: string;
}

export type Command = (args: string[], io: CommandIo) => Promise<number>;

export function usage(): string {
  return `drill: reliability drills and load tests from YAML scenarios

Usage:
  drill validate FILE...           check scenario files; every problem with file:line:column
  drill run FILE [options]         start the stack, drive the load, write reports/<run>/report.{json,md,html}
      --report-dir DIR             write run folders here instead of the scenario's report.dir
      --log-level LEVEL            debug | info | warn | error (default info; logs go to stderr)
      --runtime NAME               process | docker: run the services there instead of the scenario's runtime
      --release R                  the release under test instead of the scenario's (services without their own release)
      --release SERVICE=R          the release of one service (repeatable), e.g. --release master=0.1.0
${reportUsage}${capacityUsage}${monthlyUsage}  drill reap                       clean up processes left by runs whose harness was killed
  drill schema [--out DIR]         write the JSON Schemas of scenario files and reports (default schema/)
${toxiproxyUsage}${dockerUsage}${k6Usage}${compareUsage}${gateUsage}  drill --help

Exit codes: 0 pass · 1 an SLO threshold was breached · 2 bad input or usage · 3 harness or infrastructure failure
`;
}

const validate: Command = async (args, io) => {
  if (args.length === 0) throw new UsageError('drill validate needs at least one scenario file');
  let worst: number = ExitCode.Pass;
  for (const file of args) {
    try {
      const loaded = await loadScenarioFile(file);
      for (const warning of loaded.warnings) io.stderr.write(`${file}: warning: ${formatIssue(warning)}\n`);
      io.stdout.write(
        `${file}: ok (${Object.keys(loaded.scenario.services).length} services, ${loaded.scenario.workload.type} workload)\n`,
      );
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      io.stderr.write(`${error.message}\n`);
      worst = ExitCode.BadInput;
    }
  }
  return worst;
};

const run: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'report-dir': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      runtime: { type: 'string' },
      release: { type: 'string', multiple: true },
    },
  });
  if (positionals.length !== 1) throw new UsageError('drill run takes exactly one scenario file');
  const level = values['log-level'] as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level))
    throw new UsageError(`--log-level must be debug, info, warn or error, got "${level}"`);
  const loaded = await loadScenarioFile(positionals[0]!);
  if (values['report-dir']) loaded.scenario.report.dir = values['report-dir'];
  else for (const warning of loaded.warnings) io.stderr.write(`drill: warning: ${formatIssue(warning)}\n`);
  if (values.runtime !== undefined) loaded.scenario.runtime = runtimeOption(values.runtime);
  applyReleaseOptions(loaded.scenario, values.release ?? []);

  // Loaded on demand: validate and schema should not pay for the whole run machinery.
  const { runScenario } = await import('../run/scenario-run.ts');
  return withRunSignals(io, 'stopping the load, running rollbacks, writing the report and tearing down', async (signal, onHardStop) => {
    const outcome = await runScenario(loaded, {
      cwd: io.cwd,
      logger: createLogger(io.stderr, level),
      reporters: [
        new JsonReporter(),
        new MarkdownReporter(),
        new HtmlReporter(),
        new HistoryReporter(new HistoryStore(path.resolve(io.cwd, loaded.scenario.report.dir, 'history'))),
        new ProgressReporter(io.stdout),
      ],
      signal,
      onHardStop,
    });
    return outcome.exitCode;
  });
};

export function runtimeOption(value: string): 'process' | 'docker' {
  if (value !== 'process' && value !== 'docker') throw new UsageError(`--runtime must be process or docker, got "${value}"`);
  return value;
}

const reap: Command = async (_args, io) => {
  const logger = createLogger(io.stderr, 'info');
  const results = await reapDeadRuns({ logger, removeContainers: dockerContainerRemover(logger) });
  io.stdout.write(results.length ? `reaped ${results.length} dead run(s)\n` : 'nothing to reap\n');
  return ExitCode.Pass;
};

const schema: Command = async (args, io) => {
  const { values } = parseArgs({ args, options: { out: { type: 'string', default: 'schema' } } });
  const files = await writeJsonSchemas(values.out!);
  io.stdout.write(files.map((f) => `wrote ${f}\n`).join(''));
  return ExitCode.Pass;
};

export const commands: Record<string, Command> = {
  validate,
  run,
  capacity,
  report,
  monthly,
  reap,
  schema,
  toxiproxy: toxiproxyCommand,
  images,
  doctor,
  export: k6Export,
  import: k6Import,
  ...compareCommands,
  ...gateCommands,
};
