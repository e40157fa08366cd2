/** `drill monthly`: the suite of playbooks, one after the other, with the suite report and its trend. */
import { parseArgs } from 'node:util';
import { UsageError } from '../../common/errors.ts';
import { createLogger, type LogLevel } from '../../common/logger.ts';
import { runtimeOption, type Command } from '../commands.ts';
import { withRunSignals } from '../run-signals.ts';

export const monthlyUsage = `  drill monthly [options]          run every playbook in drills/ one after the other; write reports/monthly/suite-<id>.{json,md,html} with the trend
      --drills a,b                 only these drills (file names without .yaml), in this order
      --dir DIR                    the playbooks' folder (default drills)
      --release R                  the release under test, for every drill
      --runtime NAME               process | docker
      --report-dir DIR             runs and suite reports go here (default reports)
`;

export const monthly: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      drills: { type: 'string' },
      dir: { type: 'string', default: 'drills' },
      release: { type: 'string' },
      runtime: { type: 'string' },
      'report-dir': { type: 'string', default: 'reports' },
      'log-level': { type: 'string', default: 'warn' },
    },
  });
  const only = values.drills?.split(',').map((d) => d.trim()).filter(Boolean);
  if (only && only.length === 0) throw new UsageError('--drills needs drill names, e.g. --drills rollback,master-restart');
  const { runMonthlySuite } = await import('../../run/monthly-suite.ts');
  return withRunSignals(io, 'stopping the drill in progress (rollbacks, teardown), then writing the suite report', async (signal) => {
    const outcome = await runMonthlySuite({
      cwd: io.cwd,
      drillsDir: values.dir!,
      ...(only ? { only } : {}),
      ...(values.release ? { release: values.release } : {}),
      ...(values.runtime !== undefined ? { runtime: runtimeOption(values.runtime) } : {}),
      reportsDir: values['report-dir']!,
      out: io.stdout,
      logger: createLogger(io.stderr, values['log-level'] as LogLevel),
      signal,
    });
    const { report } = outcome;
    io.stdout.write(`drill monthly: ${report.verdict.toUpperCase()} · ${report.drills.map((d) => `${d.name} ${d.verdict}`).join(' · ')}\n  suite report ${outcome.file} (trend of ${report.trend.length} suite${report.trend.length === 1 ? '' : 's'})\n`);
    return outcome.exitCode;
  });
};
