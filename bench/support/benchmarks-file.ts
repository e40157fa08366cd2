/** BENCHMARKS.md at the repository root: each bench module owns one `## ` section and rewrites only it. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../BENCHMARKS.md');
const PREAMBLE = '# Benchmarks\n\nFigures written by `npm run bench`; each section is rewritten by its bench module.\n';

/** Replaces the section headed `## title` (or appends it) with `lines`. */
export async function writeBenchmarkSection(title: string, lines: string[]): Promise<void> {
  const current = await readFile(file, 'utf8').catch(() => PREAMBLE);
  const heading = `## ${title}`;
  const section = `${heading}\n\n${lines.join('\n').trim()}\n`;
  const start = current.indexOf(`${heading}\n`);
  let next: string;
  if (start < 0) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const after = current.indexOf('\n## ', start + heading.length);
    next = current.slice(0, start) + section + (after < 0 ? '' : current.slice(after));
  }
  await writeFile(file, next);
}
