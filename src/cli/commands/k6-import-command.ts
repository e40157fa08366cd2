/**
 * `drill import k6 SUMMARY.json [RESULTS.json...]`: a k6 run (its --summary-export and the JSON output of one or
 * several runners) as a drill run folder, `<out>/<run id>/report.{json,md}`, kept in the run history `<out>/history`
 * as `drill run` keeps its runs, so compare, baseline mark and gate read it as any run.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, UsageError } from '../../common/errors.ts';
import { HistoryReporter } from '../../compare/history-reporter.ts';
import { HistoryStore } from '../../compare/history-store.ts';
import { emptySamples, readK6JsonOutput } from '../../interop/k6/k6-json-output-reader.ts';
import { buildImportedReport } from '../../interop/k6/k6-report-builder.ts';
import { readK6Summary } from '../../interop/k6/k6-summary-reader.ts';
import { JsonReporter } from '../../report/json-reporter.ts';
import { MarkdownReporter } from '../../report/markdown-reporter.ts';
import { loadScenarioFile } from '../../scenario/scenario-loader.ts';
import type { CommandIo } from '../commands.ts';
import { parseOptions } from './parse-options.ts';

export const k6ImportUsage = `  drill import k6 SUMMARY [RESULTS...] [options]
                                   a k6 run (--summary-export file, --out json files of its runners, .gz too)
                                   as a drill run: <out>/<run id>/report.{json,md}, kept in <out>/history for
                                   compare, baseline mark and gate; exit 1 when k6's thresholds failed
      --scenario FILE              the scenario it was exported from (name, release, seed, target rate)
      --out DIR                    write the run folder and the history here (default reports)
`;

export async function importK6(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseOptions(
    {
      args,
      allowPositionals: true,
      options: { scenario: { type: 'string' }, out: { type: 'string', default: 'reports' } },
    },
    k6ImportUsage,
  );
  if (positionals.length === 0) throw new UsageError(`drill import k6 needs the k6 summary file\n${k6ImportUsage}`);
  const resolve = (file: string) => path.resolve(io.cwd, file);
  const [summaryFile, ...resultFiles] = positionals.map(resolve);
  const summary = await readK6Summary(summaryFile!);
  let samples = resultFiles.length > 0 ? emptySamples() : undefined;
  for (const file of resultFiles) samples = await readK6JsonOutput(file, samples);
  const scenario = values.scenario === undefined ? undefined : await loadScenarioFile(resolve(values.scenario));
  const report = buildImportedReport({ summary, samples, scenario, nowMs: Date.now() });
  const runDir = path.join(resolve(values.out!), report.runId);
  await mkdir(runDir, { recursive: true });
  await new JsonReporter().onRunEnd(report, runDir);
  await new MarkdownReporter().onRunEnd(report, runDir);
  await new HistoryReporter(new HistoryStore(path.join(resolve(values.out!), 'history'))).onRunEnd(report);
  const from = samples ? `${samples.points} samples from ${samples.runners.size} runner(s)` : 'the summary alone (no histograms)';
  io.stdout.write(
    `wrote ${path.relative(io.cwd, runDir) || runDir}/report.json from ${from}: ${Object.keys(report.slis).length} SLIs, ${report.phases.length} phase(s), verdict ${report.verdict}\n`,
  );
  return report.verdict === 'pass' ? ExitCode.Pass : ExitCode.SloBreached;
}
