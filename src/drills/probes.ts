/**
 * Steady-state probes, one shape for three kinds: `Probe.sli` judges an SLI over the last `over` of the run's
 * recorded outcomes, `Probe.http` asks a service (status, and optionally a field of its JSON body), `Probe.metric`
 * reads a Prometheus condition from a service's `/metrics`. Each run says whether it held and what it saw.
 */
import type { ProbeResult } from '../report/report-schema.ts';
import type { RunningStack } from '../runtime/stack.ts';
import { probeLabel, type HttpProbeSpec, type MetricProbeSpec, type ProbeSpec } from '../scenario/probe-schema.ts';
import { mentionsBaseline, parseBaselineCondition } from '../scenario/baseline-condition.ts';
import { parseThresholdExpression } from '../scenario/threshold-expression.ts';
import { sliDefinition } from '../sli/catalog.ts';
import type { OutcomeLog } from '../sli/outcome-log.ts';
import { judgeWindow } from '../sli/sliding-window.ts';
import { judgeAgainstBaseline, type Span } from './baseline-probe.ts';
import { failureOf, probeMetric } from './recovery-checks.ts';
import { serviceAddress, urlOf } from './service-address.ts';

const PROBE_TIMEOUT_MS = 2_000;

export interface ProbeContext {
  stack: RunningStack;
  log: OutcomeLog;
  workload: string;
  /** Epoch ms that report offsets (`tMs`) count from. */
  originMs: () => number;
  /** The drill's baseline phase (epoch ms), for conditions such as `p(95) < 2x baseline`; a playbook supplies it. */
  baseline?: () => Span;
}

export interface Probe {
  readonly label: string;
  readonly spec: ProbeSpec;
  /** Runs the probe now (an SLI probe: over the window ending at `atMs`, default now). */
  run(atMs?: number): Promise<ProbeResult>;
}

type Outcome = { pass: boolean; observed: string; value?: number | null };

function probeOf(spec: ProbeSpec, context: ProbeContext, check: (atMs: number) => Promise<Outcome>): Probe {
  const label = probeLabel(spec);
  const kind = spec.sli ? 'sli' : spec.http ? 'http' : 'metric';
  return {
    label,
    spec,
    run: async (atMs = Date.now()) => {
      const outcome = await check(atMs).catch((error: unknown) => ({ pass: false, observed: (error as Error).message }));
      return { name: label, kind, ...outcome, atMs, tMs: atMs - context.originMs() };
    },
  };
}

export const Probe = {
  from(spec: ProbeSpec, context: ProbeContext): Probe {
    if (spec.sli) return Probe.sli(spec, context);
    if (spec.http) return probeOf(spec, context, () => checkHttp(context.stack, spec.http!));
    return probeOf(spec, context, () => checkMetric(context.stack, spec.metric!));
  },

  sli(spec: ProbeSpec, context: ProbeContext): Probe {
    const definition = sliDefinition(context.workload, spec.sli!)!;
    if (mentionsBaseline(spec.condition!)) {
      const rule = parseBaselineCondition(spec.sli!, spec.condition!);
      if (typeof rule === 'string') throw new Error(rule); // refused at load time
      return probeOf(spec, context, async (atMs) => {
        const baseline = context.baseline?.() ?? { startMs: context.originMs(), endMs: atMs };
        const judged = judgeAgainstBaseline(context.log, definition, rule, { startMs: atMs - spec.over, endMs: atMs }, baseline);
        return { ...judged, observed: `${judged.observed} over the last ${spec.over} ms` };
      });
    }
    const expression = parseThresholdExpression(spec.condition!);
    if (typeof expression === 'string') throw new Error(expression); // refused at load time
    return probeOf(spec, context, async (atMs) => {
      const judged = judgeWindow(context.log, definition, expression, atMs - spec.over, atMs);
      const observed = judged.observed === null ? 'no samples' : `${spec.sli} ${expression.source.split(/[<>=!]/)[0]!.trim()} = ${round(judged.observed)}`;
      return { pass: judged.pass, observed: `${observed} over the last ${spec.over} ms`, value: judged.observed };
    });
  },
};

async function checkHttp(stack: RunningStack, spec: HttpProbeSpec): Promise<Outcome> {
  const url = urlOf(serviceAddress(stack, spec.service, spec.port), spec.path);
  let response: Response;
  try {
    response = await fetch(url, { method: spec.method, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
  } catch (error) {
    return { pass: false, observed: failureOf(error) };
  }
  if (response.status !== spec.status || !spec.json) {
    await response.body?.cancel();
    return { pass: response.status === spec.status, observed: `status ${response.status}`, value: response.status };
  }
  const body: unknown = await response.json().catch(() => undefined);
  const field = fieldOf(body, spec.json.field);
  const pass = field === spec.json.equals;
  return { pass, observed: `status ${response.status}, ${spec.json.field} = ${field === undefined ? 'absent' : JSON.stringify(field)}` };
}

async function checkMetric(stack: RunningStack, spec: MetricProbeSpec): Promise<Outcome> {
  const url = urlOf(serviceAddress(stack, spec.service, spec.port, true), spec.path);
  const seen = await probeMetric(url, spec.condition);
  return seen === true ? { pass: true, observed: `${spec.condition.trim()} holds` } : { pass: false, observed: seen };
}

/** `a.b.0.c` into a parsed JSON body. */
export function fieldOf(body: unknown, path: string): unknown {
  let value = body;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function round(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}
