import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.ts';

describe('writeFileAtomic', () => {
  it('a reader sees the old file or the new one, never a part', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-atomic-'));
    const file = path.join(dir, 'report.json');
    const versions = ['a', 'b', 'c', 'd'].map((letter) => letter.repeat(8 * 1_048_576));
    writeFileSync(file, versions[0]!);
    const seen = new Set<number>();
    let writing = true;
    const writes = (async () => {
      for (const text of versions.slice(1)) await writeFileAtomic(file, text);
      writing = false;
    })();
    while (writing) {
      seen.add(readFileSync(file).length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await writes;
    expect([...seen]).toEqual([8 * 1_048_576]);
    expect(readFileSync(file, 'utf8')).toBe(versions[3]);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('removes its temporary file when the rename fails, and says why', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-atomic-'));
    expect(() => writeFileAtomicSync(dir, 'x')).toThrow(/EISDIR|EEXIST|ENOTEMPTY|directory/i);
    expect(readdirSync(path.dirname(dir)).filter((f) => f.startsWith(path.basename(dir)) && f.endsWith('.tmp'))).toEqual([]);
  });
});
