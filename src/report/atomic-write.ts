/**
 * Writes a file so that readers see the old content or the new, never a part: the text goes to a temporary file
 * next to it, which is then renamed over it (atomic within a file system). An interrupted write leaves no
 * half-written report behind, and two writers (the end of a run and a hard stop) cannot interleave.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rm, rename, writeFile } from 'node:fs/promises';

let sequence = 0;
const temporaryName = (file: string) => `${file}.${process.pid}.${++sequence}.tmp`;

export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temporary = temporaryName(file);
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The same, synchronously: for the last moment before a hard exit, when no promise would be awaited. */
export function writeFileAtomicSync(file: string, text: string): void {
  const temporary = temporaryName(file);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
