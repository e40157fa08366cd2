/** A temporary copy of a shipped drill with some keys changed (a breaking release, a shorter load); the shipped file is never touched. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

export type DrillDocument = Record<string, unknown> & {
  services: Record<string, Record<string, unknown>>;
  method: Record<string, unknown>[];
  load: Record<string, unknown>;
};

/** Writes `edit(parsed file)` to a temporary folder and returns its path. */
export function drillVariant(file: string, edit: (drill: DrillDocument) => void): string {
  const drill = parse(readFileSync(file, 'utf8')) as DrillDocument;
  edit(drill);
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-variant-')), path.basename(file));
  writeFileSync(copy, stringify(drill));
  return copy;
}

/** The method action called `name`. */
export function action(drill: DrillDocument, name: string): Record<string, unknown> {
  const found = drill.method.find((a) => a.name === name);
  if (!found) throw new Error(`no method action ${name}`);
  return found;
}
