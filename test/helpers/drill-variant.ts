/**
 * A shipped drill with a change (another release, a shorter load) in a temporary copy: the YAML is parsed, `edit`
 * changes the document, and the copy is written to a folder of its own. The shipped file is never touched; the
 * drills name no relative paths, so the copy runs as the original does.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';

type Document = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a YAML document edited in place

export function drillVariant(file: string, edit: (doc: Document) => void): string {
  const doc = parse(readFileSync(file, 'utf8')) as Document;
  edit(doc);
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-variant-')), path.basename(file));
  writeFileSync(copy, stringify(doc));
  return copy;
}

/** The reasons of a report that name `what` (an SLI, a probe or a step). */
export function reasonsNaming(report: { reasons: { code: string; message: string; observed?: string | undefined }[] }, what: string) {
  return report.reasons.filter((r) => r.message.includes(what));
}
