import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../common/clock.ts';
import { sliCatalog } from '../../sli/catalog.ts';
import { PhasedSlis } from '../../sli/phased-slis.ts';
import { SeriesRecorder } from '../../sli/series-recorder.ts';
import { LatencyHistogram } from '../latency-histogram.ts';
import { SessionRecorder } from './session-recorder.ts';

function recorder() {
  const clock = new ManualClock();
  const slis = new PhasedSlis(() => new LatencyHistogram(), clock.wallMs());
  const series = new SeriesRecorder(1_000, clock.wallMs(), 'input_to_present');
  const errors: string[] = [];
  const recorder = new SessionRecorder({ slis, series }, clock, (detail) => errors.push(detail));
  slis.startPhase('run', clock.wallMs());
  const report = () => slis.run.summarize(sliCatalog.wavry!, 1_000, '');
  return { recorder, series, report, errors };
}

describe('session recorder', () => {
  it('reports every failure reason and lease reject code at 0 before anything fails', () => {
    const { report } = recorder();
    const slis = report();
    for (const reason of [
      'auth',
      'bind_timeout',
      'host_unavailable',
      'relay_credentials_timeout',
      'lease_rejected',
      'relay_unreachable',
      'direct_unreachable',
    ]) {
      expect(slis[`handshake_failures_${reason}`], reason).toMatchObject({ kind: 'counter', count: 0 });
    }
    for (const code of ['Expired', 'InvalidSignature', 'WrongRelay', 'SessionFull', 'Banned', 'RateLimited']) {
      expect(slis[`lease_rejects_${code}`], code).toMatchObject({ kind: 'counter', unit: 'leases', count: 0 });
    }
    expect(slis.lease_rejects).toMatchObject({ count: 0 });
    expect(slis.leases_issued).toMatchObject({ count: 0 });
  });

  it('counts failures by reason on top of the declared zeros', () => {
    const { recorder: r, report, errors } = recorder();
    r.failed('host_unavailable', 'offer: gateway: User not online');
    r.leaseRejected('WrongRelay');
    const slis = report();
    expect(slis.handshake_failures_host_unavailable).toMatchObject({ count: 1 });
    expect(slis.handshake_failures).toMatchObject({ count: 1, total: 1 });
    expect(slis.lease_rejects_WrongRelay).toMatchObject({ count: 1 });
    expect(slis.lease_rejects).toMatchObject({ count: 1 });
    expect(errors).toEqual(['host_unavailable: offer: gateway: User not online']);
  });

  it('records the direct transport of each connected session', () => {
    const { recorder: r, series, report } = recorder();
    r.connected({ route: 'direct', transport: 'webrtc' });
    r.connected({ route: 'direct', transport: 'webrtc' });
    r.connected({ route: 'direct', transport: 'udp' });
    r.connected({ route: 'relay', transport: 'relay' });
    const slis = report();
    expect(slis.webrtc_share).toMatchObject({ count: 2, total: 3 });
    expect(slis.relay_share).toMatchObject({ count: 1, total: 4 });
    const { columns, rows } = series.toJSON(0);
    const column = (name: string) => rows[0]![columns.indexOf(name)];
    expect(column('sessions_direct')).toBe(3);
    expect(column('sessions_direct_webrtc')).toBe(2);
    expect(column('sessions_direct_udp')).toBe(1);
    expect(column('sessions_relay')).toBe(1);
  });
});
