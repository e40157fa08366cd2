/** Why a session never reached a working data path: each reason is an SLI counter `handshake_failures_<reason>`. */
export const SETUP_FAILURE_REASONS = [
  /** Sign-up/login refused or unreachable, websocket refused at upgrade, or Bind answered with an error. */
  'auth',
  /** No Bound, or no ANSWER_RIFT from the host, within `setupTimeout` (an offer to a host that is not online too). */
  'bind_timeout',
  /** No RELAY_CREDENTIALS within `relayCredentialsTimeout` (or an ERROR instead). */
  'relay_credentials_timeout',
  /** The relay answered LEASE_REJECT. */
  'lease_rejected',
  /** No ACK, REJECT or echo over the relay within the handshake attempts. */
  'relay_unreachable',
  /** The direct path did not open and the relay fallback failed as well. */
  'direct_unreachable',
] as const;
export type SetupFailureReason = (typeof SETUP_FAILURE_REASONS)[number];

export class SetupFailure extends Error {
  override name = 'SetupFailure';
  constructor(
    readonly reason: SetupFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
