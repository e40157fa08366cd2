import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../common/random.ts';
import { ViewerLedger, type ViewerCredentials } from './viewer-ledger.ts';

const viewer = (name: string, token?: string): ViewerCredentials => ({
  account: { username: name, email: `${name}@x.test`, password: `${name}-password`, publicKey: '0'.repeat(64) },
  ...(token ? { token: { value: token, issuedAtMs: 1 } } : {}),
});

describe('ViewerLedger', () => {
  it('lends each kept viewer to one session at a time and has none to lend while all are out', () => {
    const ledger = new ViewerLedger();
    const random = seededRandom(7);
    expect(ledger.borrow(random)).toBeUndefined();
    ledger.keep(viewer('a', 'ta'));
    ledger.keep(viewer('b', 'tb'));
    const first = ledger.borrow(random)!;
    const second = ledger.borrow(random)!;
    expect(new Set([first.account.username, second.account.username])).toEqual(new Set(['a', 'b']));
    expect(ledger.borrow(random)).toBeUndefined();
    ledger.keep(first);
    expect(ledger.borrow(random)).toBe(first);
  });

  it('does not keep a viewer that never got a token', () => {
    const ledger = new ViewerLedger();
    ledger.keep(viewer('no-token'));
    expect(ledger.size).toBe(0);
  });
});
