import { describe, expect, it } from 'vitest';
import { leaseIssuedAtMs, presentedRole } from './lease-role.ts';

const paseto = (claims: object) =>
  `v4.public.${Buffer.concat([Buffer.from(JSON.stringify(claims)), Buffer.alloc(64, 7)]).toString('base64url')}`;

describe('presented lease role', () => {
  it('reads the role claim of a master lease', () => {
    expect(presentedRole(paseto({ role: 'server', sid: 's' }))).toBe('server');
    expect(presentedRole(paseto({ role: 'client' }))).toBe('client');
    expect(presentedRole(`${paseto({ role: 'server' })}.footer`)).toBe('server');
  });

  it('presents opaque embedded-relay tokens and unreadable leases as client', () => {
    expect(presentedRole('ab'.repeat(32))).toBe('client');
    expect(presentedRole('v4.public.!!!')).toBe('client');
  });
});

describe('lease issue time', () => {
  it('reads iat_rfc3339 of a master lease, and nothing from an opaque token', () => {
    expect(leaseIssuedAtMs(paseto({ role: 'client', iat_rfc3339: '2026-12-03T10:00:01.250Z' }))).toBe(Date.parse('2026-12-03T10:00:01.250Z'));
    expect(leaseIssuedAtMs(paseto({ role: 'client' }))).toBeUndefined();
    expect(leaseIssuedAtMs('ab'.repeat(32))).toBeUndefined();
  });
});
