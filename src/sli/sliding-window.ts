/**
 * Judges an SLI over windows of the run's outcome log with the threshold machinery: one window (a steady-state
 * SLI probe), or consecutive windows after an action (SLI-judged recovery, and its curve).
 */
import type { ThresholdExpression } from '../scenario/threshold-expression.ts';
import type { SliDefinition } from './catalog.ts';
import type { OutcomeLog } from './outcome-log.ts';
import { evaluateThresholds } from './threshold-evaluator.ts';

export interface WindowJudgement {
  /** Window bounds, epoch ms. */
  startMs: number;
  endMs: number;
  observed: number | null;
  pass: boolean;
}

/** The SLI over [startMs, endMs) against `expression`; no data counts as the threshold evaluator counts it. */
export function judgeWindow(log: OutcomeLog, definition: SliDefinition, expression: ThresholdExpression, startMs: number, endMs: number): WindowJudgement {
  const window = log.window(definition, startMs, endMs);
  const values = window ? { [definition.name]: window.value } : {};
  const spec = { sli: definition.name, phase: undefined, expression, abortOnFail: false, delayAbortEvalMs: 0 };
  const [result] = evaluateThresholds([spec], values, () => window?.histogram);
  return { startMs, endMs, observed: result!.observed, pass: result!.pass };
}

export interface RecoverySpec {
  definition: SliDefinition;
  expression: ThresholdExpression;
  windowMs: number;
  consecutive: number;
}

export interface RecoveryJudgement {
  /** Start of the first of `consecutive` holding windows, epoch ms; undefined when none by `untilMs`. */
  recoveredAtMs: number | undefined;
  /** Windows judged from the action on (complete windows ending by `untilMs`). */
  windows: WindowJudgement[];
}

/** Windows of `windowMs` from `fromMs` while they end by `untilMs`: has the SLI been back `consecutive` windows in a row? */
export function judgeRecovery(log: OutcomeLog, spec: RecoverySpec, fromMs: number, untilMs: number): RecoveryJudgement {
  const windows: WindowJudgement[] = [];
  let run = 0;
  for (let start = fromMs; start + spec.windowMs <= untilMs; start += spec.windowMs) {
    const judged = judgeWindow(log, spec.definition, spec.expression, start, start + spec.windowMs);
    windows.push(judged);
    run = judged.pass ? run + 1 : 0;
    if (run === spec.consecutive) return { recoveredAtMs: windows[windows.length - run]!.startMs, windows };
  }
  return { recoveredAtMs: undefined, windows };
}

/** Most windows a recovery curve shows. */
const CURVE_WINDOWS = 120;

/** The SLI in each window around an action: `before` windows ahead of it, then on until `untilMs`. */
export function recoveryCurve(log: OutcomeLog, spec: RecoverySpec, actionAtMs: number, untilMs: number, before = 3): WindowJudgement[] {
  const curve: WindowJudgement[] = [];
  for (let start = actionAtMs - before * spec.windowMs; start + spec.windowMs <= untilMs && curve.length < CURVE_WINDOWS; start += spec.windowMs) {
    curve.push(judgeWindow(log, spec.definition, spec.expression, start, start + spec.windowMs));
  }
  return curve;
}
