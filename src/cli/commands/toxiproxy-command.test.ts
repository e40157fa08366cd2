import { describe, expect, it } from 'vitest';
import { goFlagArgs } from './toxiproxy-command.ts';

describe('goFlagArgs', () => {
  it("reads Go's flag syntax: one or two dashes, a value after a space or `=`, bare or explicit booleans", () => {
    expect(goFlagArgs(['-host', 'localhost', '-port=8474', '--config', 'c.json', '-proxy-metrics'])).toEqual([
      '--host=localhost',
      '--port=8474',
      '--config=c.json',
      '--proxy-metrics',
    ]);
    expect(goFlagArgs(['-proxy-metrics=true', '-runtime-metrics=false', '--version=1'])).toEqual(['--proxy-metrics', '--version']);
  });

  it('leaves values and positionals alone, and refuses a boolean given something else', () => {
    expect(goFlagArgs(['-config', '-weird-name', 'extra'])).toEqual(['--config=-weird-name', 'extra']);
    expect(goFlagArgs(['-port'])).toEqual(['--port']);
    expect(() => goFlagArgs(['-proxy-metrics=yes'])).toThrow(/-proxy-metrics takes true or false, got "yes"/);
  });
});
