/** `drill capacity SCENARIO`: the highest rate the stack takes within its SLOs, the knee, what saturates first, headroom. */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { formatIssue, UsageError } from '../../common/errors.ts';
import { createLogger, type LogLevel } from '../../common/logger.ts';
import { loadScenarioFile } from '../../scenario/scenario-loader.ts';
import type { CapacityStep } from '../../capacity/capacity-report-schema.ts';
import { runtimeOption, type Command } from '../commands.ts';
import { withRunSignals } from '../run-signals.ts';
import { applyReleaseOptions } from '../release-overrides.ts';

export const capacityUsage = `  drill capacity FILE [options]    sweep the arrival rate: capacity, knee, what saturates first, headroom; reports/<run>/capacity.{json,md,html}
      --report-dir DIR             write the run folder (and the history) here instead of the scenario's report.dir
      --release R | SERVICE=R      the release under test instead of the scenario's, or one service's (repeatable)
      --runtime NAME               process | docker
      --log-level LEVEL            debug | info | warn | error (default warn; logs go to stderr)
`;

function stepLine(out: Writable, unit: string) {
  return (sweep: string, step: CapacityStep) => {
    const p99 = step.p99Ms === null ? '–' : `${step.p99Ms} ms`;
    const verdict = step.pass ? 'pass' : step.limitedBy === 'interrupted' ? 'interrupted' : `FAIL (${step.limitedBy}: ${step.failures.join('; ')})`;
    out.write(`capacity [${sweep}] step ${step.index + 1} ${step.phase} ${step.offered} ${unit}: achieved ${step.achieved}, p99 ${p99}, lag p99 ${step.lagP99Ms ?? '–'} ms, dropped ${step.dropped} → ${verdict}\n`);
  };
}

export const capacity: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'report-dir': { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      runtime: { type: 'string' },
      release: { type: 'string', multiple: true },
    },
  });
  if (positionals.length !== 1) throw new UsageError('drill capacity takes exactly one scenario file');
  const level = values['log-level'] as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) throw new UsageError(`--log-level must be debug, info, warn or error, got "${level}"`);
  const loaded = await loadScenarioFile(positionals[0]!);
  if (values['report-dir']) loaded.scenario.report.dir = values['report-dir'];
  else for (const warning of loaded.warnings) io.stderr.write(`drill: warning: ${formatIssue(warning)}\n`);
  if (values.runtime !== undefined) loaded.scenario.runtime = runtimeOption(values.runtime);
  applyReleaseOptions(loaded.scenario, values.release ?? []);
  const unit = { signal: 'msg/s', wavry: 'sessions/s', http: 'req/s' }[loaded.scenario.workload.type];
  const { runCapacity } = await import('../../capacity/capacity-run.ts');
  return withRunSignals(io, 'stopping the sweep, writing what it measured and tearing down', async (signal, onHardStop) => {
    const outcome = await runCapacity(loaded, { cwd: io.cwd, logger: createLogger(io.stderr, level), signal,
      onStep: stepLine(io.stdout, unit),
      onSweepStart: (sweep, start) => io.stdout.write(`capacity [${sweep}] sweeping from ${start} ${unit}\n`),
      onHardStop,
    });
    const { report } = outcome;
    const summary = report.sweeps.map((s) => `${s.label}: ${s.capacity === null ? 'no capacity' : `${s.atLeast ? '≥ ' : ''}${s.capacity} ${unit}`}`).join(' · ');
    io.stdout.write(`drill capacity: ${report.verdict.toUpperCase()} · ${summary || 'nothing measured'}\n`);
    for (const line of [report.headroom?.text, report.failover?.text, report.trend?.text]) if (line) io.stdout.write(`  ${line}\n`);
    io.stdout.write(`  report ${path.relative(io.cwd, path.join(outcome.runDir, 'capacity.md')) || outcome.runDir}\n`);
    return outcome.exitCode;
  });
};
