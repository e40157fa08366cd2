import { describe, expect, it } from 'vitest';
import { failureReason, type StepFailure } from './setup-failure.ts';

const failure = (overrides: Partial<StepFailure> = {}): StepFailure => ({
  timedOut: false,
  setupTimeLeftMs: 5_000,
  directTried: false,
  ...overrides,
});

describe('setup failure reasons', () => {
  it('counts refused sign-in, upgrade and Bind as auth, and a Bound that never came as a bind timeout', () => {
    expect(failureReason('sign_in', failure())).toBe('auth');
    expect(failureReason('signaling', failure())).toBe('auth');
    expect(failureReason('signaling', failure({ setupTimeLeftMs: 0 }))).toBe('bind_timeout');
    expect(failureReason('bind', failure())).toBe('auth');
    expect(failureReason('bind', failure({ timedOut: true }))).toBe('bind_timeout');
  });

  it('counts every failed offer as host_unavailable, refused at once or never answered', () => {
    expect(failureReason('offer', failure())).toBe('host_unavailable');
    expect(failureReason('offer', failure({ timedOut: true, setupTimeLeftMs: 0 }))).toBe('host_unavailable');
  });

  it('blames missing relay credentials on the relay request, or on the direct path when it was tried first', () => {
    expect(failureReason('relay_request', failure({ timedOut: true }))).toBe('relay_credentials_timeout');
    expect(failureReason('relay_request', failure())).toBe('relay_credentials_timeout');
    expect(failureReason('relay_request', failure({ timedOut: true, directTried: true }))).toBe('direct_unreachable');
  });
});
