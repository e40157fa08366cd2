/**
 * The role a client presents its relay lease with. A master lease is a PASETO v4.public token whose claims say the
 * role (readable without the key: the signed message precedes the 64-byte signature); the gateway's embedded relay
 * hands out opaque tokens, with which the host presents as server, so the client presents as client.
 */
import type { LeaseRole } from '../../wire/wavry.ts';

const SIGNATURE_BYTES = 64;

export function presentedRole(token: string): LeaseRole {
  const [version, purpose, body] = token.split('.');
  if (version !== 'v4' || purpose !== 'public' || !body) return 'client';
  try {
    const signed = Buffer.from(body, 'base64url');
    const claims = JSON.parse(signed.subarray(0, signed.length - SIGNATURE_BYTES).toString('utf8')) as { role?: unknown };
    return claims.role === 'server' ? 'server' : 'client';
  } catch {
    return 'client';
  }
}
