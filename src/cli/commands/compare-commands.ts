/** `drill compare` and `drill baseline mark`: judge stored runs against each other, and mark the known-good baseline. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExitCode, UsageError } from '../../common/errors.ts';
import { CompareInputError } from '../../compare/compare-errors.ts';
import { comparisonMarkdown } from '../../compare/comparison-markdown.ts';
import { HistoryStore } from '../../compare/history-store.ts';
import { scenarioChoice } from '../../compare/judgement-scenario.ts';
import { compareReleases } from '../../compare/release-comparison.ts';
import { poolComparable, resolveReports } from '../../compare/report-source.ts';
import { exitCodeOfVerdict } from '../../compare/verdict.ts';
import type { CommandIo } from '../commands.ts';

type Command = (args: string[], io: CommandIo) => Promise<number>;

export const compareUsage = `  drill compare BASELINE CANDIDATE [options]
                                   judge CANDIDATE against BASELINE: each a report.json, a run folder, a folder of runs
                                   (pooled), a run id, a release (its runs pooled) or "baseline" (the marked baseline)
      --scenario FILE|NAME         scenario whose rollback thresholds and compare: settings apply, or whose history to use
      --history DIR                the run history (default reports/history)
      --json FILE                  also write the comparison as JSON; --markdown FILE: as Markdown
      --html FILE                  also write the comparison as a self-contained HTML page (distributions overlaid)
  drill baseline mark RUN|RELEASE [--scenario NAME] [--history DIR]
                                   mark a run, or every kept run of a release (pooled), as the scenario's baseline
  drill baseline show --scenario NAME [--history DIR]
`;

const compare: Command = async (args, io) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { scenario: { type: 'string' }, history: { type: 'string', default: 'reports/history' }, json: { type: 'string' }, markdown: { type: 'string' }, html: { type: 'string' } },
  });
  if (positionals.length !== 2) throw new UsageError('drill compare takes BASELINE and CANDIDATE');
  const [baselineSpec, candidateSpec] = positionals as [string, string];
  const store = new HistoryStore(path.resolve(io.cwd, values.history!));
  const given = await scenarioChoice(values.scenario, io.cwd);
  // The candidate first when the baseline is "baseline": its report names the scenario.
  const candidate = poolComparable(candidateSpec, await resolveReports(candidateSpec, store, given.name, io.cwd));
  const choice = values.scenario ? given : await scenarioChoice(undefined, io.cwd, candidate.first);
  const baseline = poolComparable(baselineSpec, await resolveReports(baselineSpec, store, choice.name ?? candidate.scenario, io.cwd));
  if (baseline.scenario !== candidate.scenario) throw new CompareInputError(`the baseline is a run of ${baseline.scenario}, the candidate of ${candidate.scenario}: compare runs of one scenario`);
  const result = compareReleases(baseline, candidate, choice.judging);
  const markdown = comparisonMarkdown(result);
  io.stdout.write(markdown);
  if (values.json) await writeFile(path.resolve(io.cwd, values.json), `${JSON.stringify(result, null, 2)}\n`);
  if (values.markdown) await writeFile(path.resolve(io.cwd, values.markdown), markdown);
  if (values.html) {
    const { renderComparePage } = await import('../../report/html/compare-page.ts');
    await writeFile(path.resolve(io.cwd, values.html), renderComparePage(result, { baseline, candidate }));
  }
  return exitCodeOfVerdict(result.verdict);
};

const baseline: Command = async (args, io) => {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { scenario: { type: 'string' }, history: { type: 'string', default: 'reports/history' } } });
  const [action, spec] = positionals;
  const store = new HistoryStore(path.resolve(io.cwd, values.history!));
  if (action === 'show') {
    if (!values.scenario) throw new UsageError('drill baseline show needs --scenario NAME');
    const mark = await store.baseline(values.scenario);
    io.stdout.write(mark ? `${values.scenario}: baseline ${mark.release} (runs ${mark.runIds.join(', ')}), marked ${new Date(mark.markedAtMs).toISOString()}\n` : `${values.scenario}: no baseline marked\n`);
    return mark ? ExitCode.Pass : ExitCode.Infrastructure;
  }
  if (action !== 'mark' || !spec || positionals.length !== 2) throw new UsageError('usage: drill baseline mark RUN|RELEASE [--scenario NAME]');
  const runs = await store.runs(values.scenario);
  const run = runs.find((r) => r.runId === spec);
  const chosen = run ? [run] : runs.filter((r) => r.release === spec);
  const scenarios = new Set(chosen.map((r) => r.scenario));
  if (chosen.length === 0) throw new CompareInputError(`no kept run or release "${spec}"${values.scenario ? ` of ${values.scenario}` : ''} in ${store.root}`);
  if (scenarios.size > 1) throw new CompareInputError(`release ${spec} has runs of ${[...scenarios].join(', ')}; give --scenario NAME`);
  const scenario = chosen[0]!.scenario;
  const mark = await store.markBaseline(scenario, chosen[0]!.release, chosen.map((r) => r.runId));
  io.stdout.write(`${scenario}: baseline is now ${mark.release} (${mark.runIds.length} run${mark.runIds.length === 1 ? '' : 's'}: ${mark.runIds.join(', ')})\n`);
  return ExitCode.Pass;
};

export const compareCommands: Record<string, Command> = { compare, baseline };
