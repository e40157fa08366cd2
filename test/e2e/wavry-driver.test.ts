/**
 * The Wavry session workload through `drill run` on real fixtures: direct and relayed sessions with every SLI,
 * a direct path that does not answer falling back to a relay, and UDP loss on the relay path measured within
 * tolerance.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedToxiproxy } from '../../src/faults/embedded-toxiproxy.ts';
import { ToxiproxyControl } from '../../src/faults/toxiproxy-control.ts';
import { reportSchema, type Report } from '../../src/report/report-schema.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { startDrill } from '../helpers/drill-cli.ts';

function stack(options: { relayEnv?: string; relayPorts?: string; hostBEnv?: string } = {}): string {
  return `release: 0.0.5
seed: 4
services:
  master: { kind: master }
  relay: { kind: relay${options.relayPorts ?? ''}${options.relayEnv ?? ''} }
  gateway: { kind: gateway }
  host-a: { kind: host }
  host-b: { kind: host${options.hostBEnv ?? ''} }
links:
  - { from: relay, to: master }
  - { from: gateway, to: master }
  - { from: host-a, to: gateway }
  - { from: host-b, to: gateway }
`;
}

async function run(name: string, body: string): Promise<Report> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-wavry-'));
  const file = path.join(dir, 's.yaml');
  writeFileSync(file, `name: ${name}\n${body}`);
  const drill = startDrill(['run', file, '--report-dir', path.join(dir, 'reports')], { DRILL_STATE_DIR: path.join(dir, 'state') });
  const { code } = await drill.exit;
  expect(code, drill.output()).toBe(0);
  const [runId] = readdirSync(path.join(dir, 'reports'));
  return reportSchema.parse(JSON.parse(readFileSync(path.join(dir, 'reports', runId!, 'report.json'), 'utf8')));
}

const workload = (extra: string) => `
load: { executor: constant-arrival-rate, rate: 2, duration: 4s, gracefulStop: 15s }
workload:
  type: wavry
  gateway: gateway
  master: master
  hosts: [host-a, host-b]
  relays: [relay]
  sessionDuration: 3s
  inputRate: 50
  controlPlaneRelays: 2
${extra}`;

describe('wavry sessions', () => {
  it('runs direct and relayed sessions and reports every SLI', async () => {
    const report = await run('wavry-mix', stack() + workload('  relayShare: 0.5\nthresholds:\n  session_setup_success: ["rate>=0.98"]'));
    const s = report.slis;
    expect(s.session_setup_success).toMatchObject({ count: 8, total: 8 });
    expect(s.relay_share!.count).toBeGreaterThan(0);
    expect(s.relay_share!.count).toBeLessThan(8);
    for (const name of ['input_to_present', 'input_to_present_direct', 'input_to_present_relay', 'rtt_direct', 'rtt_relay', 'jitter_direct', 'jitter_relay', 'relay_register_latency', 'relay_heartbeat_latency']) {
      expect(s[name]?.count, name).toBeGreaterThan(0);
    }
    // About 50 inputs a second for 3 s per session: the echoes are counted, nearly all of them come back.
    expect(s.input_to_present!.count).toBeGreaterThan(8 * 140);
    expect(s.loss_direct!.rate).toBeLessThan(0.01);
    expect(s.loss_relay!.rate).toBeLessThan(0.01);
    expect(s.leases_issued!.count).toBe(s.relay_share!.count);
    expect(s.relays_assignable!.value).toBe(1); // the synthetic relays are Draining and left out
    expect(s.session_drops).toMatchObject({ count: 0 });
  });

  it('falls back to a relay when the direct path does not answer', async () => {
    // host-b advertises an address where nothing listens; its viewers give up on it and take a relay.
    const report = await run(
      'wavry-fallback',
      stack({ hostBEnv: ', env: { WAVRY_HOST_PUBLIC_ADDR: "127.0.0.1:9" }' }) +
        workload('  relayShare: 0\n  hosts: [host-b]\n  handshakeAttempts: 3\n  handshakeInterval: 1s').replace('  hosts: [host-a, host-b]\n', ''),
    );
    expect(report.slis.session_setup_success).toMatchObject({ count: 8, total: 8 });
    expect(report.slis.relay_share).toMatchObject({ count: 8, total: 8 });
    expect(report.slis.input_to_present_direct).toBeUndefined();
  });

  it('measures UDP loss injected on the relay path', async () => {
    // Both peers reach the relay through one lossy UDP proxy, so a round trip crosses it twice.
    const relayPort = await freePort('udp');
    await using server = await new EmbeddedToxiproxy({ seed: 9 }).start();
    const control = new ToxiproxyControl(server.url);
    const [proxy] = await control.populate([{ name: 'relay_path', upstream: `127.0.0.1:${relayPort}`, protocol: 'udp' }]);
    await control.addToxic('relay_path', { type: 'loss', stream: 'upstream', attributes: { probability: 0.1, correlation: 0 } });
    const report = await run(
      'wavry-loss',
      stack({ relayPorts: `, ports: { udp: ${relayPort} }`, relayEnv: `, env: { WAVRY_RELAY_ADVERTISE_ADDR: "${proxy!.listen}" }` }) + workload('  relayShare: 1'),
    );
    const expected = 1 - 0.9 * 0.9;
    expect(report.slis.loss_relay!.total).toBeGreaterThan(800);
    expect(Math.abs(report.slis.loss_relay!.rate! - expected)).toBeLessThan(0.05);
  });
});
