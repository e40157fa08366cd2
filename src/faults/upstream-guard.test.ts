import { describe, expect, it } from 'vitest';
import { checkUpstream, quickVerdict, type LookupAll } from './upstream-guard.ts';

const lookup: LookupAll = async (name) => {
  const table: Record<string, string[]> = { 'db.local': ['127.0.0.2', '::1'], 'far.test': ['10.0.0.9'], 'empty.test': [] };
  const found = table[name];
  if (!found) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
  return found;
};

describe('quickVerdict', () => {
  it('dials loopback as written, refuses other addresses, and leaves names to a lookup', () => {
    expect(quickVerdict({ host: '127.0.0.1', port: 80 }, false)).toEqual({ dial: { host: '127.0.0.1', port: 80 } });
    expect(quickVerdict({ host: 'localhost', port: 80 }, false)).toEqual({ dial: { host: 'localhost', port: 80 } });
    expect(quickVerdict({ host: '::1', port: 80 }, false)).toEqual({ dial: { host: '::1', port: 80 } });
    expect(quickVerdict({ host: '192.168.0.1', port: 80 }, false)).toEqual({ refused: '192.168.0.1 is outside loopback (127.0.0.0/8, ::1)' });
    expect(quickVerdict({ host: 'db.local', port: 80 }, false)).toBeUndefined();
    expect(quickVerdict({ host: '192.168.0.1', port: 80 }, true)).toEqual({ dial: { host: '192.168.0.1', port: 80 } });
  });
});

describe('checkUpstream', () => {
  const rule = { allowNonLoopback: false, lookup };
  it('dials a name whose every address is loopback, at the first address', async () => {
    expect(await checkUpstream({ host: 'db.local', port: 5432 }, rule)).toEqual({ dial: { host: '127.0.0.2', port: 5432 } });
  });

  it('refuses a name outside loopback, one that resolves to nothing, and one that does not resolve', async () => {
    expect(await checkUpstream({ host: 'far.test', port: 1 }, rule)).toEqual({ refused: 'far.test resolves to 10.0.0.9, outside loopback (127.0.0.0/8, ::1)' });
    expect(await checkUpstream({ host: 'empty.test', port: 1 }, rule)).toEqual({ refused: 'empty.test resolves to no address' });
    expect(await checkUpstream({ host: 'gone.test', port: 1 }, rule)).toEqual({ refused: 'gone.test does not resolve (ENOTFOUND)' });
  });

  it('does not look a name up when the rule is lifted', async () => {
    const never: LookupAll = () => Promise.reject(new Error('looked up'));
    expect(await checkUpstream({ host: 'far.test', port: 1 }, { allowNonLoopback: true, lookup: never })).toEqual({ dial: { host: 'far.test', port: 1 } });
  });
});
