/**
 * `drill gate`: for each scenario of the gate file, run it at the candidate release, compare the run with the
 * scenario's marked baseline, and record the judgement for `drill guard`. A missing baseline or a run that
 * could not measure is cannot-judge (exit 3), never a pass.
 */
import { loadScenarioFile } from '../scenario/scenario-loader.ts';
import { CompareInputError } from './compare-errors.ts';
import { runForJudgement, type CandidateRunOptions } from './candidate-run.ts';
import type { GateFile } from './gate-file.ts';
import type { Judgement } from './history-store.ts';
import type { GateOutcome } from './junit-writer.ts';
import { compareReleases, type ComparisonResult } from './release-comparison.ts';
import { poolComparable, resolveReports } from './report-source.ts';
import type { Verdict } from './verdict.ts';

export type GateRunOptions = Omit<CandidateRunOptions, 'reportDir'> & { candidate: string | undefined };

export async function runGate(gate: GateFile, options: GateRunOptions): Promise<GateOutcome[]> {
  const outcomes: GateOutcome[] = [];
  for (const entry of gate.runs) {
    const candidate = entry.candidate ?? options.candidate ?? gate.candidate;
    if (!candidate) throw new CompareInputError(`no candidate release for ${entry.scenario}: give --candidate or candidate: in the gate file`);
    const loaded = await loadScenarioFile(entry.scenario);
    const name = loaded.scenario.name;
    const mark = await options.store.baseline(name);
    if (!mark) {
      outcomes.push({ file: entry.scenario, scenario: name, error: `no baseline is marked for ${name} in ${options.store.root}` });
      continue;
    }
    options.logger.info(`Gate: running ${name} at ${candidate} against baseline ${mark.release}…`);
    const run = await runForJudgement(loaded, candidate, { ...options, reportDir: gate.reportDir });
    try {
      const baseline = poolComparable('baseline', await resolveReports('baseline', options.store, name, options.cwd));
      const candidatePool = poolComparable(run.report.runId, [run.report]);
      const result = compareReleases(baseline, candidatePool, loaded.scenario);
      await options.store.recordJudgement(name, judgementOf('gate', candidate, { release: mark.release, runIds: mark.runIds }, result, loaded.scenario.rollback.map((r) => r.source)));
      outcomes.push({ file: entry.scenario, scenario: name, result, pools: { baseline, candidate: candidatePool } });
    } catch (error) {
      outcomes.push({ file: entry.scenario, scenario: name, error: `${(error as Error).message} (run ${run.report.runId}: ${run.report.verdict}${run.report.errors.length ? `, ${run.report.errors.join('; ')}` : ''})` });
    }
  }
  return outcomes;
}

export function judgementOf(kind: Judgement['kind'], candidate: string, baseline: Judgement['baseline'], result: ComparisonResult, rollbackRules: string[]): Judgement {
  return { kind, candidate, baseline, verdict: result.verdict, score: result.score, reasons: result.reasons, rollbackRules, atMs: Date.now() };
}

/** The worst verdict of a gate: any fail or marginal fails it; else anything not judged makes it cannot-judge. */
export function gateVerdict(outcomes: readonly GateOutcome[]): Verdict {
  const verdicts = outcomes.map((o) => o.result?.verdict ?? 'cannot-judge');
  if (verdicts.some((v) => v === 'fail' || v === 'marginal')) return 'fail';
  if (verdicts.some((v) => v === 'cannot-judge')) return 'cannot-judge';
  return 'pass';
}
