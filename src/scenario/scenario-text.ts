/**
 * Reads a scenario file as text, refusing what is not one before the YAML parser sees it: something other than a
 * regular file (a directory, a device, a pipe), a file larger than any scenario needs, bytes that are not UTF-8,
 * and control characters YAML does not allow (a binary file). A leading byte-order mark is dropped.
 */
import { open } from 'node:fs/promises';
import type { ScenarioIssue } from '../common/errors.ts';

/** Largest scenario file drill reads: scenarios are a few KiB; past this it is not one. */
export const MAX_SCENARIO_BYTES = 1_048_576;

const BOM = '\uFEFF';
/** C0 controls other than tab, LF and CR, and DEL: outside YAML's printable set (YAML 1.2 §5.1). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export type ScenarioText = { text: string; bytes: Buffer } | { issue: ScenarioIssue };

export async function readScenarioText(file: string): Promise<ScenarioText> {
  const at = (offset: number, bytes?: Buffer) => ({ file, ...lineAndColumn(bytes, offset) });
  let bytes: Buffer;
  try {
    await using handle = await open(file, 'r');
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const what = stat.isDirectory() ? 'a directory' : 'not a regular file';
      return { issue: { path: '', message: `${file} is ${what}; give the path of a scenario file (.yaml)`, location: at(0) } };
    }
    if (stat.size > MAX_SCENARIO_BYTES) {
      return { issue: { path: '', message: `the file is ${stat.size} bytes; a scenario file is at most ${MAX_SCENARIO_BYTES} bytes (1 MiB)`, location: at(0) } };
    }
    bytes = await handle.readFile();
  } catch (error) {
    return { issue: { path: '', message: `cannot read the file: ${(error as Error).message}`, location: at(0) } };
  }
  const invalid = firstInvalidUtf8(bytes);
  if (invalid !== undefined) {
    const message = `not UTF-8 text: an invalid byte sequence ends at byte offset ${invalid}; save the file as UTF-8`;
    return { issue: { path: '', message, location: at(invalid, bytes) } };
  }
  let text = bytes.toString('utf8');
  if (text.startsWith(BOM)) text = text.slice(BOM.length);
  const control = CONTROL.exec(text);
  if (control) {
    const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    const offset = Buffer.byteLength(text.slice(0, control.index)) + (bytes.length - Buffer.byteLength(text));
    return { issue: { path: '', message: `control character ${code} in the file: a scenario is YAML text, not a binary file`, location: at(offset, bytes) } };
  }
  return { text, bytes };
}

/** Byte offset of the first byte that does not belong to valid UTF-8, or undefined when all of it is valid. */
function firstInvalidUtf8(bytes: Buffer): number | undefined {
  const valid = (end: number) => {
    try {
      // `stream` lets a sequence cut by `end` pass: only bytes that can never become valid fail.
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: end < bytes.length });
      return true;
    } catch {
      return false;
    }
  };
  if (valid(bytes.length)) return undefined;
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = (good + bad) >>> 1;
    if (valid(middle)) good = middle;
    else bad = middle;
  }
  return bad - 1;
}

function lineAndColumn(bytes: Buffer | undefined, offset: number): { line: number; column: number } {
  if (!bytes) return { line: 1, column: 1 };
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  let line = 1;
  for (const byte of before) if (byte === 0x0a) line++;
  return { line, column: Buffer.from(before.subarray(lineStart)).toString('utf8').length + 1 };
}
