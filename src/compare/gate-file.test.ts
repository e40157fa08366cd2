import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGateFile } from './gate-file.ts';

const write = (text: string) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'drill-gatefile-')), 'gate.yaml');
  writeFileSync(file, text);
  return file;
};

describe('loadGateFile', () => {
  it('resolves every path against the gate file', async () => {
    const file = write('candidate: 1.4.1\nruns:\n  - scenario: ../s.yaml\n');
    const gate = await loadGateFile(file);
    const dir = path.dirname(file);
    expect(gate).toMatchObject({ candidate: '1.4.1', history: path.join(dir, 'reports/history'), junit: path.join(dir, 'reports/gate/junit.xml'), runs: [{ scenario: path.resolve(dir, '../s.yaml') }] });
  });

  it('names the key, the problem and file:line:column', async () => {
    const file = write('candidate: 1.4.1\nrunz: []\n');
    await expect(loadGateFile(file)).rejects.toMatchObject({ code: 'DRILL_GATE_FILE_INVALID', exitCode: 2, message: expect.stringMatching(new RegExp(`is not a valid gate file[\\s\\S]*runz[\\s\\S]*${file.replace(/[.]/g, '\\.')}:2:1`)) });
  });
});
