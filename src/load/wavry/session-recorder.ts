/**
 * Where a session's events become SLIs (names of the `wavry` catalog entry) and time-series columns.
 * Rates: `session_setup_success` counts successes as its events (threshold `rate>=…`), `handshake_failures`
 * and `session_drops` count the bad ones, `relay_share` the relayed sessions, `webrtc_share` the direct sessions
 * on a WebRTC data channel (the rest of them on plain UDP), `loss_<route>` the packets without echo.
 * The failure reasons and lease reject codes are reported from the start, at 0 until something counts them.
 */
import type { Clock } from '../../common/clock.ts';
import { LEASE_REJECT_REASON, type LeaseRejectReason, type RelayCredentials } from '../../wire/wavry.ts';
import { leaseIssuedAtMs } from './lease-role.ts';
import type { DriverContext } from '../workload-driver.ts';
import type { MediaPath, PathRoute } from './media-path.ts';
import type { MediaSessionResult } from './media-session.ts';
import { SETUP_FAILURE_REASONS, type SetupFailureReason } from './setup-failure.ts';

/** Counters a healthy run reports as 0: every setup failure reason, and leases by LEASE_REJECT code. */
export const DECLARED_COUNTERS: readonly string[] = [
  ...SETUP_FAILURE_REASONS.map((reason) => `handshake_failures_${reason}`),
  'accounts_lost',
  'leases_issued',
  'lease_rejects',
  ...Object.keys(LEASE_REJECT_REASON).map((reason) => `lease_rejects_${reason}`),
];

/** The counter of the sessions a relay service was assigned: `relay_sessions_relay-a`. */
export const relaySessionsSli = (relay: string) => `relay_sessions_${relay}`;

export class SessionRecorder {
  constructor(
    private readonly context: DriverContext,
    private readonly clock: Clock,
    /** Called for each failed setup (with its detail) and each dropped session: the progress line's error count. */
    private readonly onError: (detail: string) => void,
    /** The workload's relay services by their UDP `ip:port` (the address RELAY_CREDENTIALS name). */
    private readonly relayByAddr: ReadonlyMap<string, string> = new Map(),
  ) {
    context.slis.declareCounters([...DECLARED_COUNTERS, ...[...relayByAddr.values()].map(relaySessionsSli)]);
  }

  /** Returns the session's start (epoch ms): its setup's outcome counts in the phase it started in. */
  started(): number {
    const now = this.clock.wallMs();
    this.context.series.add('sessions_started', now);
    return now;
  }

  connected(path: Pick<MediaPath, 'route' | 'transport'>, startedAtMs?: number): void {
    this.context.slis.record((s) => {
      s.rate('session_setup_success', true);
      s.rate('handshake_failures', false);
      s.rate('relay_share', path.route === 'relay');
      if (path.route === 'direct') s.rate('webrtc_share', path.transport === 'webrtc');
    }, startedAtMs);
    const now = this.clock.wallMs();
    this.context.series.add(`sessions_${path.route}`, now);
    if (path.route === 'direct') this.context.series.add(`sessions_direct_${path.transport}`, now);
  }

  failed(reason: SetupFailureReason, detail: string, startedAtMs?: number): void {
    this.onError(`${reason}: ${detail}`);
    this.context.slis.record((s) => {
      s.rate('session_setup_success', false);
      s.rate('handshake_failures', true);
      s.count(`handshake_failures_${reason}`);
    }, startedAtMs);
    this.context.series.add('setup_failures', this.clock.wallMs());
  }

  /**
   * `tokens_rejected`: of the kept tokens returning viewers bound with, those the gateway refused ("Invalid Token"),
   * in the phase that issued each token, so a restart or a restore that loses tokens shows where they came from.
   */
  tokenPresented(issuedAtMs: number, refused: boolean): void {
    this.context.slis.record((s) => s.rate('tokens_rejected', refused), issuedAtMs);
    if (refused) this.context.series.add('tokens_rejected', this.clock.wallMs());
  }

  /** `accounts_lost`: returning viewers whose account the gateway no longer had, in the phase that registered it. */
  accountLost(createdAtMs: number): void {
    this.context.slis.record((s) => s.count('accounts_lost'), createdAtMs);
    this.context.series.add('accounts_lost', this.clock.wallMs());
  }

  /**
   * RELAY_CREDENTIALS received. A lease naming one of the workload's relays also counts in `relay_sessions_<relay>`,
   * at the moment the master issued it (the lease's `iat_rfc3339`), so an assignment lands in the phase in which the
   * master made it, e.g. after the relay was set Draining.
   */
  leaseIssued(credentials: RelayCredentials): void {
    this.context.slis.record((s) => s.count('leases_issued'));
    const relay = this.relayByAddr.get(credentials.addr);
    if (relay === undefined) return;
    this.context.slis.record((s) => s.count(relaySessionsSli(relay)), leaseIssuedAtMs(credentials.token) ?? this.clock.wallMs());
  }

  /** Counted as `lease_rejects` and `lease_rejects_<Reason>` (e.g. `lease_rejects_WrongRelay`). */
  leaseRejected(reason: LeaseRejectReason | 'Unknown'): void {
    this.context.slis.record((s) => {
      s.count('lease_rejects');
      s.count(`lease_rejects_${reason}`);
    });
  }

  presented(route: PathRoute, latencyMs: number): void {
    this.context.slis.record((s) => {
      s.trend('input_to_present').recordMs(latencyMs);
      s.trend(`input_to_present_${route}`).recordMs(latencyMs);
    });
    this.context.series.latency(this.clock.wallMs(), latencyMs);
  }

  pong(route: PathRoute, rttMs: number): void {
    this.context.slis.record((s) => s.trend(`rtt_${route}`).recordMs(rttMs));
  }

  ended(route: PathRoute, result: MediaSessionResult): void {
    if (result.dropped) {
      this.onError(`${route} session dropped: its path went silent`);
      this.context.series.add('session_drops', this.clock.wallMs());
    }
    this.context.slis.record((s) => {
      s.rate('session_drops', result.dropped);
      s.rate(`loss_${route}`, true, result.lost);
      s.rate(`loss_${route}`, false, result.sent - result.lost);
      if (result.jitterMs !== undefined) s.trend(`jitter_${route}`).recordMs(result.jitterMs);
    });
  }
}
