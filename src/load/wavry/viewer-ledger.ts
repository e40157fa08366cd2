/**
 * Viewers who signed in once and come back: each keeps its account and the session token the gateway gave it
 * (as the desktop app keeps its token), with when each was issued, so a token the gateway no longer honours
 * can be counted in the phase that issued it. A viewer is lent to one session at a time: two sessions of one
 * user would replace each other's Bind.
 */
import type { Random } from '../../common/random.ts';
import type { ClientAccount } from './client-account.ts';

/** A viewer's account and what the gateway gave it; a session signs in (or binds with `token`) and updates it in place. */
export interface ViewerCredentials {
  account: ClientAccount;
  /** The session token it holds and when the gateway issued it (epoch ms); none before its first sign-in. */
  token?: { value: string; issuedAtMs: number };
  /** Epoch ms the account was registered (or first found registered). */
  createdAtMs?: number;
}

export class ViewerLedger {
  private readonly idle: ViewerCredentials[] = [];

  /** A viewer not in a session, picked with the seeded random; undefined when every one is busy (or none signed in yet). */
  borrow(random: Random): ViewerCredentials | undefined {
    if (this.idle.length === 0) return undefined;
    const index = Math.min(this.idle.length - 1, Math.floor(random.next() * this.idle.length));
    return this.idle.splice(index, 1)[0];
  }

  /** Back after its session, with the token it holds now; a viewer that never got one is not kept. */
  keep(viewer: ViewerCredentials): void {
    if (viewer.token) this.idle.push(viewer);
  }

  get size(): number {
    return this.idle.length;
  }
}
