/**
 * Where a session's events become SLIs (names of the `wavry` catalog entry) and time-series columns.
 * Rates: `session_setup_success` counts successes as its events (threshold `rate>=…`), `handshake_failures`
 * and `session_drops` count the bad ones, `relay_share` the relayed sessions, `loss_<route>` the packets
 * without echo.
 */
import type { Clock } from '../../common/clock.ts';
import type { LeaseRejectReason } from '../../wire/wavry.ts';
import type { DriverContext } from '../workload-driver.ts';
import type { PathRoute } from './media-path.ts';
import type { MediaSessionResult } from './media-session.ts';
import type { SetupFailureReason } from './setup-failure.ts';

export class SessionRecorder {
  constructor(
    private readonly context: DriverContext,
    private readonly clock: Clock,
    /** Called for each failed setup (with its detail) and each dropped session: the progress line's error count. */
    private readonly onError: (detail: string) => void,
  ) {}

  started(): void {
    this.context.series.add('sessions_started', this.clock.wallMs());
  }

  connected(route: PathRoute): void {
    this.context.slis.record((s) => {
      s.rate('session_setup_success', true);
      s.rate('handshake_failures', false);
      s.rate('relay_share', route === 'relay');
    });
    this.context.series.add(`sessions_${route}`, this.clock.wallMs());
  }

  failed(reason: SetupFailureReason, detail: string): void {
    this.onError(`${reason}: ${detail}`);
    this.context.slis.record((s) => {
      s.rate('session_setup_success', false);
      s.rate('handshake_failures', true);
      s.count(`handshake_failures_${reason}`);
    });
    this.context.series.add('setup_failures', this.clock.wallMs());
  }

  leaseIssued(): void {
    this.context.slis.record((s) => s.count('leases_issued'));
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
