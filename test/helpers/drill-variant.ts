/**
 * A shipped drill with a change (another release, a shorter load) in a temporary copy: the YAML is parsed, `edit`
 * changes the document, and the copy is written to a folder of its own. The shipped file is never touched; the
 * drills name no relative paths, so the copy runs as the original does.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

/** The drill as plain data: edit it in place. */
export type DrillDocument = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Writes `file` with `edit` applied to a temporary folder and returns the copy's path. */
export function drillVariant(file: string, edit: (drill: DrillDocument) => void): string {
  const drill = parse(readFileSync(file, 'utf8')) as DrillDocument;
  edit(drill);
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-variant-')), path.basename(file));
  writeFileSync(copy, stringify(drill));
  return copy;
}

/** The method action named `name`. */
export function action(drill: DrillDocument, name: string): DrillDocument {
  const found = (drill.method as DrillDocument[]).find((a) => a.name === name);
  if (!found) throw new Error(`the drill has no action ${name}`);
  return found;
}

/** The reasons of a report that name `what` (an SLI, a probe or a step). */
export function reasonsNaming(report: { reasons: { code: string; message: string; observed?: string | undefined }[] }, what: string) {
  return report.reasons.filter((r) => r.message.includes(what));
}
