/**
 * Turns zod's issues into scenario issues that say what was expected, what the file has there, and where.
 * zod reports a failed union as a bare "Invalid input"; here it becomes either the problem inside the one
 * alternative whose type matched (`abortOnFail` is not a boolean), or the union's own expectation and the value
 * found ("expected a string, number or boolean, got a list").
 */
import type { z } from 'zod';
import type { ScenarioIssue } from '../common/errors.ts';
import type { SourceLocator } from './source-locator.ts';

type Issue = z.core.$ZodIssue;
type PathKey = string | number;

const DISCRIMINATORS: Record<string, string> = {
  executor: 'constant-arrival-rate, ramping-arrival-rate',
  'workload.type': 'signal, http, wavry',
  'method.action': 'restart, stop, start, kill, pause, resume, rollback, upgrade, http, exec, scale, wait-until, fault, pause-load, resume-load',
  'rollbacks.action': 'restart, stop, start, kill, pause, resume, rollback, upgrade, http, exec, scale, wait-until, fault, pause-load, resume-load',
  'method.type': 'latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, loss, duplicate, reorder, partition',
  'rollbacks.type': 'latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, loss, duplicate, reorder, partition',
  'faults.type': 'latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, loss, duplicate, reorder, partition',
};

/** `raw` is the document as parsed from YAML, before the schema: the source of the "got …" part. */
export function describeSchemaIssues(issues: readonly Issue[], raw: unknown, locator: SourceLocator): ScenarioIssue[] {
  return issues.flatMap((issue) => describeIssue(issue, [], raw, locator));
}

function describeIssue(issue: Issue, prefix: PathKey[], raw: unknown, locator: SourceLocator): ScenarioIssue[] {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? p.toString() : p))];
  const at = (where: PathKey[], message: string, key = false): ScenarioIssue => ({
    path: where.join('.'),
    message,
    location: locator.locate(where, key),
  });
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => at([...path, key], `unknown key "${key}"`, true));
    case 'invalid_key':
      return [
        at(path, `${JSON.stringify(path.at(-1))} is not a valid name: ${issue.issues.map((inner) => inner.message).join('; ')}`, true),
      ];
    case 'invalid_union': {
      if (typeof issue.discriminator === 'string') {
        const key = issue.discriminator === 'executor' ? 'executor' : `${String(path[0])}.${issue.discriminator}`;
        const where = path.at(-1) === issue.discriminator ? path : [...path, issue.discriminator];
        return [at(where, `\`${issue.discriminator}\` must be one of ${DISCRIMINATORS[key] ?? 'the documented values'}`)];
      }
      const closest = closestAlternative(issue.errors);
      if (closest) return closest.flatMap((inner) => describeIssue(inner, path, raw, locator));
      return [at(path, `${unionExpectation(issue)}, got ${describeValue(valueAt(raw, path))}`)];
    }
    default:
      return [at(path, issue.message)];
  }
}

/** A type mismatch of the value itself (not of something inside it): the alternative does not apply at all. */
const isRootTypeMismatch = (issue: Issue) => issue.code === 'invalid_type' && issue.path.length === 0;

/** The issues of the only alternative whose type matched the value, if exactly one did. */
function closestAlternative(alternatives: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const matching = alternatives.filter((issues) => issues.length > 0 && !issues.some(isRootTypeMismatch));
  return matching.length === 1 ? matching[0] : undefined;
}

/** The union's own message when the schema gives one ("expected …"), else the types its alternatives expected. */
function unionExpectation(issue: Extract<Issue, { code: 'invalid_union' }>): string {
  if (issue.message.startsWith('expected ')) return issue.message;
  const types = issue.errors.flatMap((issues) => issues.filter(isRootTypeMismatch).map((i) => (i as { expected: string }).expected));
  const unique = [...new Set(types)];
  if (unique.length === 0) return 'expected another value';
  return `expected ${unique.length === 1 ? unique[0] : `${unique.slice(0, -1).join(', ')} or ${unique.at(-1)}`}`;
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PathKey, unknown>)[key];
  }
  return value;
}

/** A value as the YAML author would name it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}
