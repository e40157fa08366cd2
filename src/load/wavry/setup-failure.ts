/** Why a session never reached a working data path: each reason is an SLI counter `handshake_failures_<reason>`. */
export const SETUP_FAILURE_REASONS = [
  /** Sign-up/login refused or unreachable, websocket refused at upgrade, or Bind answered with an error. */
  'auth',
  /** No Bound within `setupTimeout` (or the setup time ran out before the websocket opened). */
  'bind_timeout',
  /**
   * The offer found no host to answer it: the gateway refused it (e.g. "User not online"), the host declined, the
   * signaling socket closed, or no ANSWER_RIFT came within `setupTimeout`.
   */
  'host_unavailable',
  /** A viewer bound for a relay got no RELAY_CREDENTIALS within `relayCredentialsTimeout` (or an ERROR instead). */
  'relay_credentials_timeout',
  /** The relay answered LEASE_REJECT (by code in `lease_rejects_<Reason>`), also after a silent direct path. */
  'lease_rejected',
  /** No ACK, REJECT or echo over the relay within the handshake attempts, also after a silent direct path. */
  'relay_unreachable',
  /** The direct path stayed silent and no relay was offered to fall back to (no RELAY_CREDENTIALS, or an ERROR). */
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

/** The setup steps before a data path is tried; the relay's own answers are classified where they arrive. */
export type SetupStep = 'sign_in' | 'signaling' | 'bind' | 'offer' | 'relay_request';

export interface StepFailure {
  /** The step waited its whole allowance for a reply (a WaitTimeout). */
  timedOut: boolean;
  /** Setup time left when the step failed, ms. */
  setupTimeLeftMs: number;
  /** The viewer tried the host's direct address before this step. */
  directTried: boolean;
}

/** The reason a failed step counts under. */
export function failureReason(step: SetupStep, failure: StepFailure): SetupFailureReason {
  switch (step) {
    case 'sign_in':
      return 'auth';
    // A refused upgrade (per-IP cap, origin) is an auth failure; running out of setup time on the way is a timeout.
    case 'signaling':
      return failure.setupTimeLeftMs > 0 ? 'auth' : 'bind_timeout';
    case 'bind':
      return failure.timedOut ? 'bind_timeout' : 'auth';
    case 'offer':
      return 'host_unavailable';
    case 'relay_request':
      return failure.directTried ? 'direct_unreachable' : 'relay_credentials_timeout';
  }
}
