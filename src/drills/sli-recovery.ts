/**
 * Recovery judged by an SLI (`recovered:`): while a step recovers, windows after its action are judged as they
 * close; once the run is over they are judged again on the complete outcome log (outcomes known only later,
 * a timed-out reply, count at their cause), which gives the reported recovery time and curve.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StepResult } from '../report/report-schema.ts';
import type { RecoveredSpec } from '../scenario/steps-schema.ts';
import { parseThresholdExpression } from '../scenario/threshold-expression.ts';
import { sliDefinition } from '../sli/catalog.ts';
import type { OutcomeLog } from '../sli/outcome-log.ts';
import { judgeRecovery, recoveryCurve, type RecoverySpec, type WindowJudgement } from '../sli/sliding-window.ts';

const POLL_MS = 100;
/** Windows of the curve shown in an error message. */
const LAST_WINDOWS = 3;

export function recoverySpec(spec: RecoveredSpec, workload: string): RecoverySpec {
  const expression = parseThresholdExpression(spec.condition);
  if (typeof expression === 'string') throw new Error(expression); // refused at load time
  return { definition: sliDefinition(workload, spec.sli)!, expression, windowMs: spec.window, consecutive: spec.consecutive };
}

/** Waits until the SLI is back or `deadlineMs` passes; the epoch ms it was back at, or undefined. */
export async function waitForSliRecovery(log: OutcomeLog, spec: RecoverySpec, fromMs: number, deadlineMs: number, signal: AbortSignal): Promise<number | undefined> {
  for (;;) {
    const now = Date.now();
    const judged = judgeRecovery(log, spec, fromMs, Math.min(now, deadlineMs));
    if (judged.recoveredAtMs !== undefined) return judged.recoveredAtMs;
    if (now >= deadlineMs || signal.aborted) return undefined;
    await sleep(POLL_MS);
  }
}

/** The curve and recovery of one step, from the complete log; `originMs` is the start of the load. */
export function finalSliRecovery(log: OutcomeLog, recovered: RecoveredSpec, spec: RecoverySpec, atMs: number, deadlineMs: number, originMs: number): NonNullable<StepResult['sliRecovery']> {
  const judged = judgeRecovery(log, spec, atMs, deadlineMs);
  const untilMs = judged.recoveredAtMs !== undefined ? judged.recoveredAtMs + spec.consecutive * spec.windowMs : deadlineMs;
  const curve = recoveryCurve(log, spec, atMs, untilMs).map((w) => ({ startMs: w.startMs - originMs, endMs: w.endMs - originMs, observed: w.observed, pass: w.pass }));
  return {
    sli: recovered.sli,
    condition: recovered.condition,
    windowMs: recovered.window,
    consecutive: recovered.consecutive,
    ...(judged.recoveredAtMs !== undefined ? { recoveredAfterMs: judged.recoveredAtMs - atMs } : {}),
    curve,
  };
}

/** "reply_latency p(99) < 500 not back in 3 consecutive 1000 ms windows; last windows: 4.0–5.0 s 812, …". */
export function describeNoRecovery(recovered: RecoveredSpec, windows: readonly Pick<WindowJudgement, 'startMs' | 'endMs' | 'observed'>[]): string {
  const last = windows.slice(-LAST_WINDOWS).map((w) => `${(w.startMs / 1_000).toFixed(1)}–${(w.endMs / 1_000).toFixed(1)} s: ${w.observed === null ? 'no samples' : Math.round(w.observed * 1_000) / 1_000}`);
  return `${recovered.sli} ${recovered.condition} not back in ${recovered.consecutive} consecutive ${recovered.window} ms windows; last windows ${last.join(', ') || 'none complete'}`;
}
