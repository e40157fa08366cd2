/**
 * The gate file `drill gate` reads: which scenarios and drills to run against the candidate release, where the
 * history (with the marked baselines) is, and where the JUnit XML and the Markdown summary go.
 *
 *   candidate: 1.4.1                    # or --candidate
 *   history: test/gate/history          # default reports/history, relative to the gate file
 *   junit: reports/gate/junit.xml       # default; --junit overrides
 *   summary: reports/gate/summary.md    # default; --summary overrides; $GITHUB_STEP_SUMMARY gets it too
 *   runs:
 *     - scenario: ../scenarios/signal-gate.yaml
 *       candidate: 1.4.1                # per entry, optional
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { describeSchemaIssues } from '../scenario/schema-issues.ts';
import { SourceLocator } from '../scenario/source-locator.ts';
import { GateFileError } from './compare-errors.ts';

export const gateFileSchema = z.strictObject({
  candidate: z.string().min(1).optional().describe('Release under test (or --candidate).'),
  history: z.string().default('reports/history'),
  reportDir: z.string().default('reports/gate').describe('Where the candidate runs\' folders go.'),
  junit: z.string().default('reports/gate/junit.xml'),
  summary: z.string().default('reports/gate/summary.md'),
  runs: z
    .array(z.strictObject({ scenario: z.string().min(1).describe('Scenario or drill file, relative to the gate file.'), candidate: z.string().min(1).optional() }))
    .min(1, { message: 'list at least one scenario under runs' }),
});
export type GateFile = z.output<typeof gateFileSchema>;

/** The gate file with every path resolved against its folder. */
export async function loadGateFile(file: string): Promise<GateFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new GateFileError(file, [{ path: '', message: `cannot read the file: ${(error as Error).message}` }], { cause: error });
  }
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locator = new SourceLocator(file, document, lines);
  if (document.errors.length > 0) throw new GateFileError(file, document.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0]}`, location: locator.offset(e.pos[0]) })));
  const raw: unknown = document.toJS();
  const parsed = gateFileSchema.safeParse(raw);
  if (!parsed.success) throw new GateFileError(file, describeSchemaIssues(parsed.error.issues, raw, locator));
  const dir = path.dirname(path.resolve(file));
  const at = (p: string) => path.resolve(dir, p);
  const gate = parsed.data;
  return { ...gate, history: at(gate.history), reportDir: at(gate.reportDir), junit: at(gate.junit), summary: at(gate.summary), runs: gate.runs.map((r) => ({ ...r, scenario: at(r.scenario) })) };
}
