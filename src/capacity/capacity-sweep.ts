/**
 * One sweep on a running stack: steps chosen by the rate search until it resolves, a step shows the generator
 * is the limit, or the step or time bound runs out; then the capacity, the knee and what saturated first.
 */
import type { Logger } from '../common/logger.ts';
import type { RunningStack } from '../runtime/stack.ts';
import type { CapacitySpec } from '../scenario/capacity-schema.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { CapacityStep, CapacitySweep } from './capacity-report-schema.ts';
import { runCapacityStep } from './capacity-step.ts';
import { kneeOf } from './knee.ts';
import { RateSearch } from './rate-search.ts';
import { saturatedFirst } from './saturated-first.ts';
import { settleStack } from './settle.ts';

export interface SweepOptions {
  scenario: Scenario;
  spec: CapacitySpec;
  stack: RunningStack;
  label: string;
  vary?: { key: string; value: string };
  stopped: string[];
  signal: AbortSignal;
  logger: Logger;
  onStep: (sweep: string, step: CapacityStep) => void;
  /** Called once the sweep starts (the stack is up). */
  onSweepStart?: (sweep: string, startRate: number) => void;
}

export async function sweepCapacity(options: SweepOptions): Promise<CapacitySweep> {
  const { spec, signal } = options;
  const startedAtMs = Date.now();
  const search = new RateSearch(spec);
  const steps: CapacityStep[] = [];
  let stop: { reason: CapacitySweep['stopReason']; detail: string } | undefined;
  options.onSweepStart?.(options.label, spec.start);
  for (let next = search.next(); next; next = search.next()) {
    if (signal.aborted) {
      stop = { reason: 'interrupted', detail: 'interrupted by a signal' };
      break;
    }
    if (steps.length >= spec.maxSteps) {
      stop = { reason: 'max-steps', detail: `stopped after maxSteps (${spec.maxSteps}) steps` };
      break;
    }
    if (Date.now() - startedAtMs + spec.warmup + spec.hold > spec.maxDuration) {
      stop = { reason: 'max-duration', detail: `another step would pass maxDuration (${spec.maxDuration} ms)` };
      break;
    }
    await settleStack(options.stack, signal);
    const step = await runCapacityStep({
      scenario: options.scenario,
      stack: options.stack,
      index: steps.length,
      phase: next.phase,
      rate: next.rate,
      warmupMs: spec.warmup,
      holdMs: spec.hold,
      lagBoundMs: spec.lagBound,
      signal,
    });
    steps.push(step);
    options.onStep(options.label, step);
    if (step.limitedBy === 'interrupted') {
      stop = { reason: 'interrupted', detail: 'interrupted by a signal during a step' };
      break;
    }
    if (step.limitedBy === 'lag') {
      stop = { reason: 'generator-limit', detail: `at ${step.offered}/s the load generator fell behind (schedule lag p99 ${step.lagP99Ms} ms > ${spec.lagBound} ms): the stack's capacity is at least the last good rate` };
      break;
    }
    search.record(step.offered, step.pass, step.achieved);
  }
  stop ??= endOf(search.end, spec);
  const capacity = search.good ?? null;
  const atLeast = ['max-rate', 'generator-limit', 'max-steps', 'max-duration', 'interrupted'].includes(stop.reason) && search.bad === undefined;
  const sessionMs = options.scenario.workload.type === 'wavry' ? options.scenario.workload.sessionDuration : undefined;
  return {
    label: options.label,
    ...(options.vary ? { vary: options.vary } : {}),
    stopped: options.stopped,
    capacity,
    atLeast,
    firstBad: search.bad ?? null,
    stopReason: stop.reason,
    stopDetail: stop.detail,
    knee: kneeOf(steps.map((s) => ({ rate: s.offered, p99Ms: s.p99Ms }))),
    concurrentSessions: sessionMs !== undefined && capacity !== null ? Math.round((capacity * sessionMs) / 100) / 10 : null,
    saturated: saturatedFirst(steps, spec.lagBound),
    steps,
    durationMs: Date.now() - startedAtMs,
  };
}

function endOf(end: RateSearch['end'], spec: CapacitySpec): { reason: CapacitySweep['stopReason']; detail: string } {
  switch (end) {
    case 'max-rate':
      return { reason: 'max-rate', detail: `held the highest rate tried (max ${spec.max}/s): the capacity is at least that` };
    case 'below-start':
      return { reason: 'below-start', detail: `the first step (${spec.start}/s) already broke an SLO: lower capacity.start` };
    default:
      return { reason: 'resolved', detail: `first bad / last good − 1 ≤ resolution (${Math.round(spec.resolution * 1000) / 10} %)` };
  }
}
