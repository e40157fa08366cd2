/** `drill gate`, `drill guard --check` and `drill canary`: the release judgements of CI and of a rollout. */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExitCode, UsageError } from '../../common/errors.ts';
import { createLogger, type LogLevel } from '../../common/logger.ts';
import { runCanary } from '../../compare/canary-runner.ts';
import { comparisonMarkdown } from '../../compare/comparison-markdown.ts';
import { loadGateFile } from '../../compare/gate-file.ts';
import { gateVerdict, judgementOf, runGate } from '../../compare/gate-runner.ts';
import { HistoryStore } from '../../compare/history-store.ts';
import { gateJUnit, type GateOutcome } from '../../compare/junit-writer.ts';
import { checkReleaseGuard } from '../../compare/release-guard.ts';
import { exitCodeOfVerdict } from '../../compare/verdict.ts';
import { loadScenarioFile } from '../../scenario/scenario-loader.ts';
import type { CommandIo } from '../commands.ts';

type Command = (args: string[], io: CommandIo) => Promise<number>;

export const gateUsage = `  drill gate GATEFILE [options]    run the gate file's scenarios at the candidate release, compare each with its marked
                                   baseline, write JUnit XML, a Markdown summary (also to $GITHUB_STEP_SUMMARY) and
                                   SCENARIO.compare.html beside the summary
      --candidate R                the release under test (else the gate file's candidate:)
      --history DIR · --junit FILE · --summary FILE · --report-dir DIR   override the gate file
      exit 0 pass · 1 fail or marginal · 3 could not judge (missing baseline, too few samples, a run that failed)
  drill guard --check SCENARIO --candidate R [--history DIR]
                                   exit 0 only when R's latest gate or canary passed against the current baseline and
                                   the scenario declares rollback thresholds; else 1 with the reason
  drill canary SCENARIO --baseline R1 --candidate R2 [--share 0.1] [--history DIR] [--report-dir DIR]
                                   run R1 and R2 side by side (R2 gets --share of the load, default 0.5) and judge them;
                                   refuses without rollback thresholds; a breached critical threshold stops R2 early
`;

function quietLogger(io: CommandIo, level: string | undefined) {
  return createLogger(io.stderr, (level ?? 'warn') as LogLevel);
}

const gate: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { candidate: { type: 'string' }, history: { type: 'string' }, junit: { type: 'string' }, summary: { type: 'string' }, 'report-dir': { type: 'string' }, 'log-level': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageError('drill gate takes one gate file');
  const file = await loadGateFile(path.resolve(io.cwd, positionals[0]!));
  const at = (value: string | undefined, fallback: string) => (value ? path.resolve(io.cwd, value) : fallback);
  const gateFile = { ...file, history: at(values.history, file.history), junit: at(values.junit, file.junit), summary: at(values.summary, file.summary), reportDir: at(values['report-dir'], file.reportDir) };
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  let outcomes: GateOutcome[];
  try {
    outcomes = await runGate(gateFile, { candidate: values.candidate, cwd: io.cwd, store: new HistoryStore(gateFile.history), logger: quietLogger(io, values['log-level']), signal: controller.signal });
  } finally {
    process.off('SIGINT', onSignal);
  }
  const verdict = gateVerdict(outcomes);
  const summary = [`# drill gate: ${verdict.toUpperCase()}`, '', ...outcomes.map((o) => (o.result ? comparisonMarkdown(o.result) : `## ${o.scenario}: **CANNOT-JUDGE**\n\n- ${o.error}\n`))].join('\n');
  await writeOut(gateFile.junit, gateJUnit(outcomes));
  await writeOut(gateFile.summary, summary);
  const pages = await writeComparePages(outcomes, path.dirname(gateFile.summary));
  const stepSummary = process.env['GITHUB_STEP_SUMMARY'];
  if (stepSummary) await appendFile(stepSummary, `${summary}\n`);
  io.stdout.write(`${outcomes.map((o) => `${o.scenario}: ${o.result ? `${o.result.verdict}${o.result.reasons.length ? ` (${o.result.reasons.join('; ')})` : ''}` : `cannot-judge (${o.error})`}`).join('\n')}\ndrill gate: ${verdict.toUpperCase()}\n  junit ${gateFile.junit}\n  summary ${gateFile.summary}\n${pages.map((p) => `  html ${p}\n`).join('')}`);
  return exitCodeOfVerdict(verdict);
};

/** One `<scenario>.compare.html` per judged scenario, beside the summary. */
async function writeComparePages(outcomes: readonly GateOutcome[], dir: string): Promise<string[]> {
  const { renderComparePage } = await import('../../report/html/compare-page.ts');
  const judged = outcomes.filter((o) => o.result && o.pools);
  const files = judged.map((o) => path.join(dir, `${o.scenario}.compare.html`));
  await Promise.all(judged.map((o, i) => writeOut(files[i]!, renderComparePage(o.result!, o.pools!))));
  return files;
}

async function writeOut(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
}

const guard: Command = async (args, io) => {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { check: { type: 'boolean', default: false }, candidate: { type: 'string' }, history: { type: 'string', default: 'reports/history' } } });
  if (!values.check || positionals.length !== 1 || !values.candidate) throw new UsageError('usage: drill guard --check SCENARIO --candidate RELEASE [--history DIR]');
  const { scenario } = await loadScenarioFile(path.resolve(io.cwd, positionals[0]!));
  const result = await checkReleaseGuard(scenario, values.candidate, new HistoryStore(path.resolve(io.cwd, values.history!)));
  (result.ok ? io.stdout : io.stderr).write(`drill guard: ${result.ok ? 'OK' : 'BLOCKED'}: ${result.reason}\n`);
  return result.ok ? ExitCode.Pass : ExitCode.SloBreached;
};

const canary: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { baseline: { type: 'string' }, candidate: { type: 'string' }, share: { type: 'string', default: '0.5' }, history: { type: 'string' }, 'report-dir': { type: 'string' }, 'log-level': { type: 'string' }, json: { type: 'string' } },
  });
  if (positionals.length !== 1 || !values.baseline || !values.candidate) throw new UsageError('usage: drill canary SCENARIO --baseline R1 --candidate R2 [--share 0.1]');
  const loaded = await loadScenarioFile(path.resolve(io.cwd, positionals[0]!));
  const reportDir = path.resolve(io.cwd, values['report-dir'] ?? loaded.scenario.report.dir);
  const store = new HistoryStore(path.resolve(io.cwd, values.history ?? path.join(reportDir, 'history')));
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  try {
    const outcome = await runCanary(loaded, { baseline: values.baseline, candidate: values.candidate, share: Number(values.share), cwd: io.cwd, reportDir, store, logger: quietLogger(io, values['log-level']), signal: controller.signal });
    const { result } = outcome;
    await store.recordJudgement(loaded.scenario.name, judgementOf('canary', values.candidate, { release: values.baseline, runIds: [outcome.baselineRun.report.runId] }, result, loaded.scenario.rollback.map((r) => r.source)));
    io.stdout.write(comparisonMarkdown(result, `${loaded.scenario.name} canary (${Math.round(Number(values.share) * 100)} % cohort)`));
    if (values.json) await writeOut(path.resolve(io.cwd, values.json), `${JSON.stringify({ ...result, stoppedEarly: outcome.stoppedEarly, runs: { baseline: outcome.baselineRun.runDir, candidate: outcome.candidateRun.runDir } }, null, 2)}\n`);
    return exitCodeOfVerdict(result.verdict);
  } finally {
    process.off('SIGINT', onSignal);
  }
};

export const gateCommands: Record<string, Command> = { gate, guard, canary };
