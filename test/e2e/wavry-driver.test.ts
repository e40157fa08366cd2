/**
 * The Wavry session workload through `drill run` on real fixtures: direct and relayed sessions with every SLI,
 * a direct path that never answers, or a WebRTC one that never connects, falling back to a relay, a relay that
 * rejects every lease (counted as rejected whether a direct attempt came first or not), and UDP loss on the relay
 * path (a lossy proxy the relay advertises, sessions overlapping on it) measured within tolerance.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedToxiproxy } from '../../src/faults/embedded-toxiproxy.ts';
import { ToxiproxyControl } from '../../src/faults/toxiproxy-control.ts';
import type { Report } from '../../src/report/report-schema.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { SETUP_FAILURE_REASONS } from '../../src/load/wavry/setup-failure.ts';
import { LEASE_REJECT_REASON } from '../../src/wire/wavry.ts';
import { runScenarioFile } from '../helpers/drill-cli.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface StackOptions {
  master?: string;
  relay?: string;
  hostB?: string;
  /** Gateway and hosts: "0.1.0" (default here) is the target design that relays through the master with hosts presenting. */
  sessionRelease?: string;
}

const stack = (options: StackOptions = {}) => {
  const session = `release: "${options.sessionRelease ?? '0.1.0'}"`;
  return `release: 0.0.5
seed: 4
services:
  master: { kind: master${options.master ?? ''} }
  relay: { kind: relay${options.relay ?? ''} }
  gateway: { kind: gateway, ${session} }
  host-a: { kind: host, ${session} }
  host-b: { kind: host, ${session}${options.hostB ?? ''} }
links:
  - { from: relay, to: master }
  - { from: gateway, to: master }
  - { from: host-a, to: gateway }
  - { from: host-b, to: gateway }
`;
};

/** Eight sessions (2/s for 4 s), 3 s each at 50 inputs/s, 2 control-plane relays; `extra` adds workload keys. */
const workload = (extra: string, load = 'rate: 2, duration: 4s', sessionDuration = '3s') => `
load: { executor: constant-arrival-rate, ${load}, gracefulStop: 20s }
workload:
  type: wavry
  gateway: gateway
  master: master
  relays: [relay]
  sessionDuration: ${sessionDuration}
  inputRate: 50
  controlPlaneRelays: 2
${extra}`;

async function run(name: string, body: string, expectedExit = 0): Promise<Report> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-wavry-'));
  dirs.push(dir);
  const file = path.join(dir, 'scenario.yaml');
  writeFileSync(file, `name: ${name}\n${body}`);
  const { code, report, output } = await runScenarioFile(file);
  expect(code, output).toBe(expectedExit);
  return report;
}

/** Four sessions (2/s for 2 s, 2 s each), every viewer "behind NAT", 3 × 500 ms handshakes; `extra` adds workload keys. */
const relayedRun = (name: string, stackYaml: string, extra = '') =>
  run(
    name,
    stackYaml +
      workload(
        `  hosts: [host-a]
  relayShare: 1
${extra}  handshakeAttempts: 3
  handshakeInterval: 500ms`,
        'rate: 2, duration: 2s',
        '2s',
      ),
  );

describe('wavry session workload (drill run)', () => {
  it('runs direct and relayed sessions and reports every SLI with plausible values', async () => {
    const report = await run(
      'wavry-mix',
      stack() +
        workload(`  hosts: [host-a, host-b]
  relayShare: 0.5
thresholds:
  session_setup_success: ["rate>=0.98"]
  relay_heartbeat_latency: ["p(95)<=450"]`),
    );
    const s = report.slis;
    expect(report.verdict).toBe('pass');
    expect(s.session_setup_success).toMatchObject({ count: 8, total: 8 });
    expect(s.handshake_failures).toMatchObject({ count: 0, total: 8 });
    const relayed = s.relay_share!.count!;
    expect(relayed).toBeGreaterThan(0);
    expect(relayed).toBeLessThan(8);
    expect(s.leases_issued!.count).toBe(relayed);
    // Every catalogued failure reason and reject code is reported, at 0 on a healthy run.
    for (const reason of SETUP_FAILURE_REASONS) {
      expect(s[`handshake_failures_${reason}`], reason).toMatchObject({ kind: 'counter', count: 0 });
    }
    for (const code of Object.keys(LEASE_REJECT_REASON)) {
      expect(s[`lease_rejects_${code}`], code).toMatchObject({ kind: 'counter', count: 0 });
    }
    expect(s.lease_rejects).toMatchObject({ count: 0 });
    // Both hosts answer WebRTC offers: every direct session ran on a data channel.
    expect(s.webrtc_share).toMatchObject({ count: 8 - relayed, total: 8 - relayed });
    expect(s.session_drops).toMatchObject({ count: 0, total: 8 });
    // 50 inputs a second for 3 s: 150 input events per session, each one presented.
    expect(s.input_to_present!.count).toBe(8 * 150);
    expect(s.input_to_present_relay!.count).toBe(relayed * 150);
    expect(s.input_to_present_direct!.count).toBe((8 - relayed) * 150);
    for (const name of ['input_to_present', 'rtt_direct', 'rtt_relay', 'jitter_direct', 'jitter_relay']) {
      // Plausible on loopback, not a timing gate: about a millisecond, and far below a second.
      expect(s[name]!.percentiles!.p50, name).toBeGreaterThan(0);
      expect(s[name]!.percentiles!.p50, name).toBeLessThan(1_000);
    }
    // Six pings per session (every 500 ms over 3 s).
    expect(s.rtt_direct!.count! + s.rtt_relay!.count!).toBe(8 * 6);
    expect(s.jitter_direct!.count! + s.jitter_relay!.count!).toBe(8);
    expect(s.loss_direct).toMatchObject({ count: 0, total: (8 - relayed) * 156 });
    expect(s.loss_relay).toMatchObject({ count: 0, total: relayed * 156 });
    // The two synthetic relays are Draining and left out of the inventory; the real relay is assignable.
    expect(s.relays_assignable).toMatchObject({ min: 1, max: 1 });
    // By state: the real relay is New until its first heartbeat, then Active; no other state is ever seen.
    expect(s.relays_active!.max).toBe(1);
    expect(s.relays_active!.value! + s.relays_new!.value!).toBe(1);
    for (const state of ['probation', 'degraded', 'draining', 'quarantined', 'banned']) {
      expect(s[`relays_${state}`], state).toMatchObject({ max: 0 });
    }
    expect(s.relay_heartbeat_age!.max).toBeLessThan(30_000); // relays heartbeat every 5 s; stale is 120 s
    expect(s.relay_register_latency!.count).toBe(2);
    expect(s.relay_heartbeat_latency!.count).toBeGreaterThan(2 * 4);
    expect(report.series.columns).toEqual(
      expect.arrayContaining(['sessions_started', 'sessions_direct', 'sessions_direct_webrtc', 'sessions_relay', 'relays_assignable']),
    );
  });

  it.concurrent.each([
    {
      // host-b ignores WebRTC offers and advertises a UDP address where nothing listens.
      when: 'the direct path never answers',
      hostB: '{ WAVRY_HOST_PUBLIC_ADDR: "127.0.0.1:9", WAVRY_HOST_WEBRTC: "0" }',
    },
    {
      // host-b answers every offer but exchanges no ICE candidates: the data channel never opens, and the viewer
      // takes a relay without trying the host's (working) UDP address.
      when: 'WebRTC is answered but ICE never connects',
      hostB: '{ WAVRY_HOST_WEBRTC_CANDIDATES: "0" }',
    },
  ])('falls back to a relay when $when', async ({ hostB }) => {
    // Viewers try the direct path 3 × 500 ms, then take a relay.
    const report = await run(
      'wavry-fallback',
      stack({ hostB: `, env: ${hostB}` }) +
        workload(`  hosts: [host-b]
  relayShare: 0
  handshakeAttempts: 3
  handshakeInterval: 500ms`),
    );
    const s = report.slis;
    expect(s.session_setup_success).toMatchObject({ count: 8, total: 8 });
    expect(s.handshake_failures).toMatchObject({ count: 0, total: 8 });
    expect(s.relay_share).toMatchObject({ count: 8, total: 8 });
    expect(s.leases_issued!.count).toBe(8);
    expect(s.input_to_present_direct).toBeUndefined();
    expect(s.input_to_present_relay!.count).toBe(8 * 150);
  });

  it('counts a relay that rejects every lease by reason, also after a silent direct path', async () => {
    // The relay trusts a key the master does not sign with: every lease fails the signature check. host-b's direct
    // address is dead, so the viewers not "behind NAT" try it first (3 × 500 ms) and then meet the same relay.
    const report = await run(
      'wavry-rejects',
      stack({
        relay: `, env: { WAVRY_RELAY_MASTER_PUBLIC_KEY: "${'11'.repeat(32)}" }`,
        hostB: ', env: { WAVRY_HOST_PUBLIC_ADDR: "127.0.0.1:9", WAVRY_HOST_WEBRTC: "0" }',
      }) +
        workload(`  hosts: [host-b]
  relayShare: 0.5
  handshakeAttempts: 3
  handshakeInterval: 500ms
thresholds:
  session_setup_success: ["rate>=0.98"]`),
      1,
    );
    const s = report.slis;
    expect(report.verdict).toBe('fail');
    expect(s.session_setup_success).toMatchObject({ count: 0, total: 8 });
    expect(s.handshake_failures).toMatchObject({ count: 8, total: 8 });
    expect(s.handshake_failures_lease_rejected).toMatchObject({ count: 8 });
    expect(s.handshake_failures_direct_unreachable).toMatchObject({ count: 0 });
    expect(s.leases_issued).toMatchObject({ count: 8 });
    expect(s.lease_rejects).toMatchObject({ count: 8 });
    expect(s.lease_rejects_InvalidSignature).toMatchObject({ count: 8 });
    expect(s.lease_rejects_WrongRelay).toMatchObject({ count: 0 });
    expect(s.relay_share).toBeUndefined();
  });

  it('presenting as Client, as the real client does, fails on a 0.0.5 master and works on 0.1.0', async () => {
    // 0.0.5 gives the requester a "server" lease; a viewer presenting it as Client fails the relay's role check,
    // which goes out as InvalidSignature. 0.1.0 (the documented target) gives the requester the client lease.
    const relayed = (master: string) =>
      relayedRun(`wavry-present-as-client-${master.replace(/\./g, '')}`, stack({ master: `, release: "${master}"` }), '  presentAs: client\n');
    const today = (await relayed('0.0.5')).slis;
    expect(today.session_setup_success).toMatchObject({ count: 0, total: 4 });
    expect(today.lease_rejects_InvalidSignature).toMatchObject({ count: 4 });
    const target = (await relayed('0.1.0')).slis;
    expect(target.session_setup_success).toMatchObject({ count: 4, total: 4 });
    expect(target.relay_share).toMatchObject({ count: 4, total: 4 });
    expect(target.lease_rejects).toMatchObject({ count: 0 });
  });

  it('shows the skew rejects of a relay whose clock runs 3 s behind the master', async () => {
    const report = await relayedRun('wavry-relay-skew', stack({ relay: ', env: { DRILL_CLOCK_OFFSET_MS: "-3000" }' }));
    const s = report.slis;
    // Leases are issued "now" by the master: to the relay their iat and nbf lie 3 s ahead, which pasetors refuses.
    expect(s.session_setup_success).toMatchObject({ count: 0, total: 4 });
    expect(s.lease_rejects_InvalidSignature).toMatchObject({ count: 4 });
  });

  it('at 0.0.5 as upstream has it, relayed viewers are ACKed by the embedded relay but no host ever joins', async () => {
    const report = await relayedRun('wavry-upstream-relay', stack({ sessionRelease: '0.0.5' }));
    const s = report.slis;
    expect(s.leases_issued).toMatchObject({ count: 4 });
    expect(s.session_setup_success).toMatchObject({ count: 0, total: 4 });
    expect(s.handshake_failures_relay_unreachable).toMatchObject({ count: 4 });
    expect(s.lease_rejects).toMatchObject({ count: 0 });
  });

  it('measures UDP loss injected on the relay path within tolerance', async () => {
    // The relay advertises a UDP proxy in front of it, so viewer and host both reach it through the proxy; a loss
    // of 5 % on the proxy's upstream stream hits each round trip twice (viewer → relay, host → relay):
    // 1 − 0.95² ≈ 9.75 %. Sessions start 1 s apart and overlap: the host fixture resends each session's lost
    // LEASE_PRESENT (3 × 1 s) on its own. Four at a time, about 500 packets/s, keep the proxy's one source
    // address under the relay's 1000 packets/s per-IP limit. 4 × 620 packets.
    const relayPort = await freePort('udp');
    await using server = await new EmbeddedToxiproxy({ seed: 9 }).start();
    const control = new ToxiproxyControl(server.url);
    const [proxy] = await control.populate([{ name: 'relay_path', upstream: `127.0.0.1:${relayPort}`, protocol: 'udp' }]);
    await control.addToxic('relay_path', { type: 'loss', stream: 'upstream', attributes: { probability: 0.05, correlation: 0 } });
    const report = await run(
      'wavry-loss',
      stack({ relay: `, ports: { udp: ${relayPort} }, env: { WAVRY_RELAY_ADVERTISE_ADDR: "${proxy!.listen}" }` }) +
        workload(
          `  hosts: [host-a]
  relayShare: 1
  inputRate: 60`,
          'rate: 1, duration: 4s',
          '10s',
        ).replace('  inputRate: 50\n', ''),
    );
    const loss = report.slis.loss_relay!;
    expect(report.slis.session_setup_success).toMatchObject({ count: 4, total: 4 });
    expect(loss.total).toBe(4 * 620);
    expect(Math.abs(loss.rate! - (1 - 0.95 ** 2))).toBeLessThan(0.03);
    expect(report.slis.session_drops).toMatchObject({ count: 0 });
  });
});
