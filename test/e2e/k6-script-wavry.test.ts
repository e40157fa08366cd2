/**
 * The exported Wavry k6 script against the real gateway, master, relay and hosts, run on a VU stand-in (no k6
 * binary here: test/helpers/k6-shim): sign-up, Bind, offer/answer and, for viewers behind NAT, the relay lease.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillSync } from '../helpers/drill-cli.ts';
import { runIterations, type ShimIteration } from '../helpers/k6-shim/k6-shim.ts';
import { startWavryStack, type WavryStack } from '../helpers/wavry-peers.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-k6-wavry-'));
let stack: WavryStack;

beforeAll(async () => {
  expect(drillSync(['export', 'k6', 'scenarios/wavry-baseline.yaml', '--out', dir]).code).toBe(0);
  // One test address signs every viewer up: lift the gateway's per-address limits (20 sign-ups, 10 Binds a minute),
  // as a k6 runner without --local-ips would need.
  stack = await startWavryStack({
    relays: 1,
    hosts: [{ username: 'host-a' }, { username: 'host-b' }],
    gatewayEnv: { WAVRY_AUTH_RATE_LIMIT: '1000', WAVRY_WS_BIND_RATE_LIMIT: '1000' },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

function sessions(count: number, hostsOverride?: string): { source: string; plan: ShimIteration[] } {
  const scriptFile = path.join(dir, 'wavry-baseline.k6.ts');
  let source = readFileSync(scriptFile, 'utf8');
  if (hostsOverride) {
    source = source.replace('const HOSTS: string[] = ["host-a","host-b"];', `const HOSTS: string[] = ${hostsOverride};`);
    // No host answers, so each session waits out its setup timeout: a short one keeps the test short.
    const timeout = /const SETUP_TIMEOUT_MS = \d+;/;
    if (!timeout.test(source)) throw new Error('the exported script has no SETUP_TIMEOUT_MS to shorten');
    source = source.replace(timeout, 'const SETUP_TIMEOUT_MS = 3000;');
  }
  const startMs = Date.now() + 100;
  return {
    source,
    plan: Array.from({ length: count }, (_, n) => ({
      scenario: 'load_run',
      scenarioStartMs: startMs,
      n,
      startAtMs: startMs + n * 250,
      tags: { phase: 'run' },
    })),
  };
}

describe('the exported Wavry k6 script', () => {
  it('sets sessions up through the gateway, relayed ones with a lease', { timeout: 120_000 }, async () => {
    // Seed 21 puts viewers 12 and 15 of the first 16 behind NAT (relayShare 0.3).
    const { source, plan } = sessions(16);
    const samples = await runIterations(path.join(dir, 'wavry-baseline.k6.ts'), source, { GATEWAY_URL: stack.gatewayUrl }, 'arrival', plan);
    const of = (metric: string) => samples.filter((s) => s.metric === metric);
    expect(of('session_setup_success').map((s) => s.value)).toEqual(Array(16).fill(1));
    expect(of('handshake_failures').every((s) => s.value === 0)).toBe(true);
    const relayed = of('relay_share').filter((s) => s.value === 1).length;
    expect(relayed).toBe(2);
    expect(of('leases_issued')).toHaveLength(relayed);
  });

  it('counts a session to a host that is not online as host_unavailable', { timeout: 60_000 }, async () => {
    const { source, plan } = sessions(2, '["nobody-home"]');
    const samples = await runIterations(path.join(dir, 'wavry-baseline.k6.ts'), source, { GATEWAY_URL: stack.gatewayUrl }, 'arrival', plan);
    expect(samples.filter((s) => s.metric === 'session_setup_success').map((s) => s.value)).toEqual([0, 0]);
    expect(samples.filter((s) => s.metric === 'handshake_failures_host_unavailable')).toHaveLength(2);
  });
});
