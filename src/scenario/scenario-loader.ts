/**
 * Reads a scenario file, validates it against the schema and the cross-reference rules, and returns
 * the typed scenario with every duration already in milliseconds. Every problem is reported at once,
 * each with its path in the document and its file:line:column: the schema's first, then the rules', which run
 * on every section that passed the schema even when another did not.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ScenarioError, type ScenarioIssue } from '../common/errors.ts';
import { fixtureReleases } from './fixture-catalog.ts';
import { parseScenarioParts } from './scenario-parts.ts';
import { checkScenarioRules, type RuleContext } from './scenario-rules.ts';
import { scenarioSchema, type Scenario } from './scenario-schema.ts';
import { describeSchemaIssues } from './schema-issues.ts';
import { readScenarioText } from './scenario-text.ts';
import { SourceLocator } from './source-locator.ts';

/** How many times the file's aliases (`*name`) may be expanded in all: a few hundred bytes of nested ones would otherwise expand to millions of nodes. */
export const MAX_ALIAS_EXPANSIONS = 1_000;

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** sha256 of the file as read, recorded in the report. */
  sha256: string;
  /** What is allowed but probably not meant (a report folder outside the project); printed, never fatal. */
  warnings: ScenarioIssue[];
}

export async function loadScenarioFile(file: string, context: RuleContext = { fixtureReleases }): Promise<LoadedScenario> {
  const read = await readScenarioText(file);
  if ('issue' in read) throw new ScenarioError(file, [read.issue]);
  return { ...parseScenario(read.text, file, context), sha256: createHash('sha256').update(read.bytes).digest('hex') };
}

export function parseScenario(
  text: string,
  file: string,
  context: RuleContext = { fixtureReleases },
): { file: string; scenario: Scenario; warnings: ScenarioIssue[] } {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locator = new SourceLocator(file, document, lines);
  // A tag the parser cannot resolve (`!foo x`) would silently read as a plain string: refuse it too.
  const problems = [...document.errors, ...document.warnings.filter((w) => w.code === 'TAG_RESOLVE_FAILED')];
  if (problems.length > 0) {
    throw new ScenarioError(
      file,
      problems.map((e) => ({ path: '', message: `YAML: ${yamlMessage(e.message)}`, location: locator.offset(e.pos[0]) })),
    );
  }
  const raw = toPlainData(document, file, locator);
  const parsed = scenarioSchema.safeParse(raw);
  // The rules run on what parsed: the whole scenario, or else each section (and service) that passed on its own.
  const ruleIssues = checkScenarioRules(parsed.success ? parsed.data : parseScenarioParts(raw), context).map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
    location: locator.locate(issue.path),
  }));
  const schemaIssues = parsed.success ? [] : describeSchemaIssues(parsed.error.issues, raw, locator);
  if (!parsed.success || ruleIssues.length > 0) throw new ScenarioError(file, [...schemaIssues, ...ruleIssues]);
  return { file, scenario: parsed.data, warnings: scenarioWarnings(parsed.data, locator) };
}

function scenarioWarnings(scenario: Scenario, locator: SourceLocator): ScenarioIssue[] {
  const dir = scenario.report.dir;
  if (!path.isAbsolute(dir) && !path.normalize(dir).split(/[\\/]/).includes('..')) return [];
  return [
    {
      path: 'report.dir',
      message: `"${dir}" is outside the project folder: runs will write their reports there (give a relative folder such as "reports" to keep them in the project)`,
      location: locator.locate(['report', 'dir']),
    },
  ];
}

function yamlMessage(message: string): string {
  const first = message.split('\n')[0]!;
  return /call stack/i.test(first) ? 'nested too deeply for a scenario (flatten the lists and mappings)' : first;
}

/** The document as plain data; the yaml library's own limits (alias expansion, nesting) become bad input. */
function toPlainData(document: Document, file: string, locator: SourceLocator): unknown {
  try {
    return document.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS });
  } catch (error) {
    let firstAlias = 0;
    visit(document, {
      Alias: (_key, node) => {
        firstAlias = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const tooMany = /alias count/i.test((error as Error).message);
    const message = tooMany
      ? `YAML: aliases expand to more than ${MAX_ALIAS_EXPANSIONS} nodes (nested anchors: a resource-exhaustion pattern); write the values out or nest fewer aliases`
      : `YAML: ${yamlMessage((error as Error).message)}`;
    throw new ScenarioError(file, [{ path: '', message, location: locator.offset(tooMany ? firstAlias : 0) }], { cause: error });
  }
}
