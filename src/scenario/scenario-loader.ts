/**
 * Reads a scenario file, validates it against the schema and the cross-reference rules, and returns
 * the typed scenario with every duration already in milliseconds. Every problem is reported at once,
 * each with its path in the document and its file:line:column: the schema's first, then the rules', which run
 * on every section that passed the schema even when another did not.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { ScenarioError } from '../common/errors.ts';
import { fixtureReleases } from './fixture-catalog.ts';
import { parseScenarioParts } from './scenario-parts.ts';
import { checkScenarioRules, type RuleContext } from './scenario-rules.ts';
import { scenarioSchema, type Scenario } from './scenario-schema.ts';
import { describeSchemaIssues } from './schema-issues.ts';
import { SourceLocator } from './source-locator.ts';

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** sha256 of the file as read, recorded in the report. */
  sha256: string;
}

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
  const raw: unknown = document.toJS();
  const parsed = scenarioSchema.safeParse(raw);
  // The rules run on what parsed: the whole scenario, or else each section (and service) that passed on its own.
  const ruleIssues = checkScenarioRules(parsed.success ? parsed.data : parseScenarioParts(raw), context).map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
    location: locator.locate(issue.path),
  }));
  const schemaIssues = parsed.success ? [] : describeSchemaIssues(parsed.error.issues, raw, locator);
  if (!parsed.success || ruleIssues.length > 0) throw new ScenarioError(file, [...schemaIssues, ...ruleIssues]);
  return { file, scenario: parsed.data };
}
