/**
 * Reads a scenario file, validates it against the schema and the cross-reference rules, and returns
 * the typed scenario with every duration already in milliseconds. Every problem is reported at once,
 * each with its path in the document and its file:line:column.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ScenarioError, type ScenarioIssue } from '../common/errors.ts';
import { fixtureReleases } from './fixture-catalog.ts';
import { checkScenarioRules, type RuleContext } from './scenario-rules.ts';
import { scenarioSchema, type Scenario } from './scenario-schema.ts';
import { SourceLocator } from './source-locator.ts';

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** sha256 of the file as read, recorded in the report. */
  sha256: string;
}

const DISCRIMINATORS: Record<string, string> = {
  executor: 'constant-arrival-rate, ramping-arrival-rate',
  'workload.type': 'signal, http, wavry',
  'faults.type': 'latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data, loss, duplicate, reorder, partition',
};

export async function loadScenarioFile(file: string, context: RuleContext = { fixtureReleases }): Promise<LoadedScenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(file, [{ path: '', message: `cannot read the file: ${(error as Error).message}` }], { cause: error });
  }
  return { ...parseScenario(text, file, context), sha256: createHash('sha256').update(text).digest('hex') };
}

export function parseScenario(text: string, file: string, context: RuleContext = { fixtureReleases }): { file: string; scenario: Scenario } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locator = new SourceLocator(file, document, lines);
  if (document.errors.length > 0) {
    throw new ScenarioError(
      file,
      document.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0]}`, location: locator.offset(e.pos[0]) })),
    );
  }
  const parsed = scenarioSchema.safeParse(document.toJS());
  if (!parsed.success) throw new ScenarioError(file, parsed.error.issues.flatMap((issue) => describeIssue(issue, locator)));
  const ruleIssues = checkScenarioRules(parsed.data, context);
  if (ruleIssues.length > 0) {
    throw new ScenarioError(
      file,
      ruleIssues.map((issue) => ({ path: issue.path.join('.'), message: issue.message, location: locator.locate(issue.path) })),
    );
  }
  return { file, scenario: parsed.data };
}

function describeIssue(issue: z.core.$ZodIssue, locator: SourceLocator): ScenarioIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? p.toString() : p));
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key].join('.'),
      message: `unknown key "${key}"`,
      location: locator.locate([...path, key], true),
    }));
  }
  let message = issue.message;
  if (issue.code === 'invalid_union' && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    const key = issue.discriminator === 'executor' ? 'executor' : `${String(path[0])}.${issue.discriminator}`;
    const options = DISCRIMINATORS[key];
    message = `\`${issue.discriminator}\` must be one of ${options ?? 'the documented values'}`;
    const at = path.at(-1) === issue.discriminator ? path : [...path, issue.discriminator];
    return [{ path: at.join('.'), message, location: locator.locate(at) }];
  }
  return [{ path: path.join('.'), message, location: locator.locate(path) }];
}
