/**
 * What a client reads from its relay lease. A master lease is a PASETO v4.public token whose claims (readable without
 * the key: the signed message precedes the 64-byte signature) say the role it is presented in and when the master
 * issued it; the gateway's embedded relay hands out opaque tokens, with which the host presents as server, so the
 * client presents as client.
 */
import type { LeaseRole } from '../../wire/wavry.ts';

const SIGNATURE_BYTES = 64;

/** The claims of a master lease; undefined for an opaque token or an unreadable one. */
export function leaseClaims(token: string): Record<string, unknown> | undefined {
  const [version, purpose, body] = token.split('.');
  if (version !== 'v4' || purpose !== 'public' || !body) return undefined;
  try {
    const signed = Buffer.from(body, 'base64url');
    const claims: unknown = JSON.parse(signed.subarray(0, signed.length - SIGNATURE_BYTES).toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function presentedRole(token: string): LeaseRole {
  return leaseClaims(token)?.role === 'server' ? 'server' : 'client';
}

/** When the master issued the lease (`iat_rfc3339`), epoch ms: the moment it picked the relay. */
export function leaseIssuedAtMs(token: string): number | undefined {
  const issued = leaseClaims(token)?.iat_rfc3339;
  const ms = typeof issued === 'string' ? Date.parse(issued) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}
