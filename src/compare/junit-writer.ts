/**
 * JUnit XML of a gate: one test suite per scenario, one test case per SLI check and per rollback threshold,
 * the figures in the message. High/Low and tripped thresholds are failures; nodata and cannot-judge on what
 * decides the verdict are errors (never a silent pass). Built with junit-report-builder.
 */
import junitModule, { type Builder } from 'junit-report-builder';
import type { ComparisonResult } from './release-comparison.ts';
import type { ReportPool } from './report-pool.ts';
import { fmt } from './comparison-markdown.ts';

// Its types describe an ES default export; Node hands over module.exports, which is the builder itself.
const junit = (junitModule as unknown as { default?: Builder }).default ?? (junitModule as unknown as Builder);

export interface GateOutcome {
  /** The scenario file the gate ran. */
  file: string;
  scenario: string;
  /** Absent when the scenario could not be run or judged at all. */
  result?: ComparisonResult;
  /** The pooled baseline and candidate the result judged (their histograms draw the HTML page). */
  pools?: { baseline: ReportPool; candidate: ReportPool };
  /** Why nothing was judged (missing baseline, run failed). */
  error?: string;
}

export function gateJUnit(outcomes: readonly GateOutcome[]): string {
  const builder = junit.newBuilder();
  for (const outcome of outcomes) {
    const suite = builder.testSuite().name(`drill gate: ${outcome.scenario}`);
    const result = outcome.result;
    if (!result) {
      suite.testCase().className(outcome.scenario).name('comparison').error(outcome.error ?? 'not judged', 'cannot-judge');
      continue;
    }
    const verdictCase = suite.testCase().className(outcome.scenario).name(`verdict ${result.verdict}${result.score === null ? '' : ` (score ${fmt(result.score)})`}`);
    if (result.verdict === 'fail' || result.verdict === 'marginal') verdictCase.failure(result.reasons.join('; '), result.verdict);
    else if (result.verdict === 'cannot-judge') verdictCase.error(result.reasons.join('; '), 'cannot-judge');
    for (const rule of result.rollback) {
      const test = suite.testCase().className(`${outcome.scenario}.rollback`).name(rule.rule);
      const figures = `baseline ${fmt(rule.baseline)}, limit ${fmt(rule.limit)}, candidate ${fmt(rule.candidate)}`;
      if (rule.tripped === true) test.failure(`rollback threshold tripped: ${figures}`, 'rollback');
      else if (rule.tripped === null) test.error(`cannot judge: ${rule.note ?? 'no data'}`, 'cannot-judge');
      else test.standardOutput(figures);
    }
    for (const sli of result.slis) {
      const test = suite.testCase().className(`${outcome.scenario}.${sli.phase}`).name(sli.sli);
      const message = `${sli.classification}${sli.critical ? ' (critical)' : ''}: ${sli.reason}`;
      if (sli.classification === 'high' || sli.classification === 'low') test.failure(message, sli.classification);
      else if (sli.critical && (sli.classification === 'nodata' || sli.classification === 'cannot-judge')) test.error(message, sli.classification);
      else test.standardOutput(message);
    }
  }
  return builder.build();
}
