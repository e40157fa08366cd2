/**
 * `drill canary`: the baseline and the candidate release run side by side on this machine at the same time, each
 * on its own stack with its share of the load (a canary cohort), then are judged as `drill compare` judges. It
 * refuses a scenario without rollback thresholds (the runbook: define them before rollout begins), and the
 * candidate's thresholds on critical SLIs stop it early (abortOnFail) when one breaches.
 */
import { InfrastructureError, UsageError } from '../common/errors.ts';
import type { LoadedScenario } from '../scenario/scenario-loader.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { parseThresholdKey } from '../scenario/threshold-key.ts';
import { sliDefinition } from '../sli/catalog.ts';
import { runForJudgement, withScenario, type CandidateRunOptions, type FinishedRun } from './candidate-run.ts';
import { compareReleases, type ComparisonResult } from './release-comparison.ts';
import { poolComparable } from './report-source.ts';
import { sliPolicy } from './sli-policy.ts';

export interface CanaryOptions extends CandidateRunOptions {
  baseline: string;
  candidate: string;
  /** The candidate's share of the load, 0..1 (default 0.5). */
  share: number;
}

export interface CanaryOutcome {
  baselineRun: FinishedRun;
  candidateRun: FinishedRun;
  result: ComparisonResult;
  /** Critical thresholds that stopped the candidate early. */
  stoppedEarly: string[];
}

export async function runCanary(loaded: LoadedScenario, options: CanaryOptions): Promise<CanaryOutcome> {
  const { scenario } = loaded;
  if (scenario.rollback.length === 0) throw new UsageError(`${loaded.file}: the scenario declares no rollback thresholds; drill canary refuses to start without them (define rollback: before rollout begins)`);
  if (!(options.share > 0 && options.share < 1)) throw new UsageError(`--share must be between 0 and 1 (the candidate's share of the load), got ${options.share}`);
  const baselineSide = withScenario(loaded, (s) => scaleLoad(s, 1 - options.share));
  const candidateSide = withScenario(loaded, (s) => {
    scaleLoad(s, options.share);
    abortOnCritical(s);
  });
  const [baselineRun, candidateRun] = await Promise.all([
    runForJudgement(baselineSide, options.baseline, options),
    runForJudgement(candidateSide, options.candidate, options),
  ]);
  for (const [side, run] of [['baseline', baselineRun], ['candidate', candidateRun]] as const) {
    if (run.report.verdict === 'error' || run.report.verdict === 'interrupted') {
      throw new InfrastructureError(`the ${side} run ${run.report.runId} ${run.report.verdict === 'error' ? 'failed' : 'was interrupted'}, nothing to judge: ${run.report.errors.join('; ') || 'no error recorded'} (${run.runDir})`);
    }
  }
  const result = compareReleases(poolComparable(`baseline ${options.baseline}`, [baselineRun.report]), poolComparable(`candidate ${options.candidate}`, [candidateRun.report]), scenario);
  const stoppedEarly = candidateRun.report.thresholds.filter((t) => t.abortOnFail && !t.pass).map((t) => `${t.sli} ${t.expression} (observed ${t.observed ?? 'nothing'})`);
  if (candidateRun.report.verdict === 'aborted' && stoppedEarly.length) {
    result.reasons.unshift(`candidate stopped early after ${Math.round(candidateRun.report.load.durationMs / 100) / 10} s: ${stoppedEarly.join('; ')}`);
    if (result.verdict !== 'fail') result.verdict = 'fail';
  }
  return { baselineRun, candidateRun, result, stoppedEarly };
}

/** Arrival rates × `share`. */
function scaleLoad(scenario: Scenario, share: number): void {
  const load = scenario.load;
  const scale = (rate: number) => rate * share;
  if (load.executor === 'constant-arrival-rate') load.rate = scale(load.rate);
  else {
    load.startRate = scale(load.startRate);
    for (const stage of load.stages) stage.target = scale(stage.target);
  }
}

/** Every threshold on a critical SLI stops the load as soon as it fails. */
function abortOnCritical(scenario: Scenario): void {
  for (const [key, entries] of Object.entries(scenario.thresholds)) {
    const sli = parseThresholdKey(key).sli;
    const kind = sliDefinition(scenario.workload.type, sli)?.kind ?? 'trend';
    if (!sliPolicy(sli, kind, scenario).critical) continue;
    scenario.thresholds[key] = entries.map((entry) =>
      typeof entry === 'string' ? { threshold: entry, abortOnFail: true, delayAbortEval: 1_000 } : { ...entry, abortOnFail: true },
    );
  }
}
