/**
 * What a playbook action does: process actions through the running stack (step-action.ts), and the others here:
 * an HTTP call to a service's API, a command in a service's folder, a change of replicas, a wait for a probe, a
 * fault for a while, holding or releasing the load. Each returns when the stack was back (if it says) and what
 * it answered; a failure throws with what went wrong.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultLayer } from '../faults/timeline/fault-layer.ts';
import type { LoadGate } from '../load/load-gate.ts';
import type { RunningStack } from '../runtime/stack.ts';
import { stepFault, type MethodAction } from '../scenario/method-schema.ts';
import type { Timeline } from '../sli/timeline.ts';
import { fieldOf, Probe, type ProbeContext } from './probes.ts';
import { serviceAddress, urlOf } from './service-address.ts';
import { performStepAction } from './step-action.ts';

/** Most characters of an answer or output kept in the report. */
const DETAIL_CHARS = 500;
const WAIT_POLL_MS = 200;

export interface ActionContext {
  stack: RunningStack;
  timeline: Timeline;
  gate: LoadGate;
  faults: FaultLayer | undefined;
  probes: ProbeContext;
  /** Values captured by earlier http actions (`capture`), for `${vars.NAME}`. */
  vars: Map<string, string>;
  signal: AbortSignal;
}

export interface ActionOutcome {
  /** Epoch ms the acted-on service was back and ready, when the action brings one back. */
  backAtMs?: number;
  detail?: string;
}

export async function performAction(action: MethodAction, context: ActionContext): Promise<ActionOutcome> {
  const { stack, gate, timeline } = context;
  switch (action.action) {
    case 'http':
      return { detail: await callHttp(action, context) };
    case 'exec':
      return { detail: await runExec(action, context) };
    case 'scale': {
      const replicas = await stack.scale(action.service, action.replicas);
      return { backAtMs: Date.now(), detail: `${action.replicas} instance(s): ${[action.service, ...replicas].join(', ')}` };
    }
    case 'wait-until':
      // Its recovery is how long the probe took to hold (a drain's duration, say).
      return { detail: await waitUntil(action, context), backAtMs: Date.now() };
    case 'fault': {
      if (!context.faults) throw new Error('a fault action needs `links:`: faults act on the proxies of declared links');
      const fault = stepFault(action);
      await context.faults.injectNow(fault, timeline, context.signal);
      return { detail: fault.for ? `cleared after ${fault.for} ms` : 'left in place' };
    }
    case 'pause-load':
      gate.pause();
      timeline.add({ source: 'load', type: 'paused', detail: 'arrivals skipped until resume-load' });
      return {};
    case 'resume-load': {
      const skippedBefore = gate.skipped;
      const pausedMs = gate.resume();
      timeline.add({ source: 'load', type: 'resumed', detail: `paused ${pausedMs} ms` });
      return { detail: `load paused ${pausedMs} ms (${skippedBefore} arrivals skipped in all)` };
    }
    default: {
      const backAtMs = await performStepAction(stack, action, context.signal);
      return backAtMs === undefined ? {} : { backAtMs };
    }
  }
}

/** `${env.NAME}` (the acted-on service's environment: an admin token, say) and `${vars.NAME}` (a captured value). */
function expand(text: string, env: Record<string, string>, vars: Map<string, string>, where: string): string {
  return text.replace(/\$\{(env|vars)\.([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, scope: string, name: string) => {
    const value = scope === 'env' ? env[name] : vars.get(name);
    if (value === undefined) throw new Error(`${where}: \${${scope}.${name}} is ${scope === 'env' ? 'not set for this service' : 'not captured by an earlier http action'}`);
    return value;
  });
}

/** `expand` in every string of a JSON value. */
function expandJson(value: unknown, at: (text: string) => string): unknown {
  if (typeof value === 'string') return at(value);
  if (Array.isArray(value)) return value.map((v) => expandJson(v, at));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandJson(v, at)]));
  return value;
}

async function callHttp(action: Extract<MethodAction, { action: 'http' }>, context: ActionContext): Promise<string> {
  const { env } = context.stack.plan(action.service);
  const at = (where: string) => (text: string) => expand(text, env, context.vars, where);
  const headers = Object.fromEntries(Object.entries(action.headers).map(([k, v]) => [k, at(`header ${k}`)(v)]));
  if (action.body !== undefined) headers['content-type'] ??= 'application/json';
  const requestPath = at('path')(action.path);
  const response = await fetch(urlOf(serviceAddress(context.stack, action.service, action.port), requestPath), {
    method: action.method,
    headers,
    ...(action.body !== undefined ? { body: JSON.stringify(expandJson(action.body, at('body'))) } : {}),
    signal: AbortSignal.timeout(action.within),
  });
  const text = await response.text();
  const detail = `${action.method} ${requestPath} → ${response.status}${text ? ` ${text.slice(0, DETAIL_CHARS)}` : ''}`;
  if (response.status !== action.status) throw new Error(`${detail} (expected ${action.status})`);
  for (const [name, field] of Object.entries(action.capture)) {
    const value = fieldOf(JSON.parse(text || 'null') as unknown, field);
    if (value === undefined || value === null) throw new Error(`${detail}: no \`${field}\` in the answer to capture as ${name}`);
    context.vars.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return detail;
}

async function runExec(action: Extract<MethodAction, { action: 'exec' }>, context: ActionContext): Promise<string> {
  const service = context.stack.running(action.service);
  if (!service.exec) throw new Error(`the ${context.stack.runtimeName} runtime cannot run commands for ${action.service}`);
  const argv = action.argv.map((arg, i) => expand(arg, service.plan.env, context.vars, `argv[${i}]`));
  const result = await service.exec(argv, action.timeout);
  const output = result.output.trim().slice(0, DETAIL_CHARS);
  const exit = result.timedOut ? `killed after ${action.timeout} ms` : `exited ${result.exitCode ?? '(no code)'}`;
  const detail = `${argv.join(' ')} ${exit}${output ? `: ${output}` : ''}`;
  if (result.timedOut || result.exitCode !== action.exitCode) throw new Error(`${detail} (expected exit ${action.exitCode})`);
  return detail;
}

async function waitUntil(action: Extract<MethodAction, { action: 'wait-until' }>, context: ActionContext): Promise<string> {
  const probe = Probe.from(action.probe, context.probes);
  const startedAtMs = Date.now();
  for (;;) {
    const result = await probe.run();
    if (result.pass) return `${probe.label} held after ${Date.now() - startedAtMs} ms (${result.observed})`;
    if (Date.now() - startedAtMs + WAIT_POLL_MS > action.timeout || context.signal.aborted) {
      throw new Error(`${probe.label} did not hold within ${action.timeout} ms; last seen ${result.observed}`);
    }
    await sleep(WAIT_POLL_MS);
  }
}
