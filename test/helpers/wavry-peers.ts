/**
 * The Wavry stack for tests and benches that drive the session workload directly: master, relays, gateway and
 * hosts as real fixture processes on loopback, and the WavryDriver targets that point at them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WavryTargets } from '../../src/load/wavry/wavry-driver.ts';
import type { FixtureListening, HostReady, MasterHealth } from '../../src/wire/wavry.ts';
import { freePort } from '../../src/runtime/free-port.ts';
import { startFixture, type FixtureProcess } from './fixture-process.ts';
import { secretKeyHex } from '../../fixtures/master/signing-key.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef-0123';
const SIGNING_SEED_HEX = '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42';

type Listening = FixtureListening & Record<string, unknown>;

async function start(name: string, env: Record<string, string>): Promise<{ fixture: FixtureProcess; info: Listening }> {
  const fixture = await startFixture(name, env);
  try {
    return { fixture, info: JSON.parse(await fixture.waitForLine(/"event":"listening"/, 30_000)) as Listening };
  } catch (error) {
    await fixture.stop();
    throw error;
  }
}

export async function until<T>(probe: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const getJson = async <T>(url: string) => (await (await fetch(url, { signal: AbortSignal.timeout(2_000) })).json()) as T;

export interface HostOptions {
  username: string;
  env?: Record<string, string>;
}

export interface WavryStackOptions {
  release?: string;
  /**
   * Release of the gateway and hosts (default `release`). "0.1.0" is the documented target design: the gateway asks
   * the master for relays and hosts present their leases; at 0.0.5 the gateway uses its embedded relay and hosts
   * present nothing, so relayed sessions never carry media.
   */
  sessionRelease?: string;
  relays?: number;
  /** Per relay (by index): extra env, e.g. a fixed `WAVRY_RELAY_LISTEN` and `WAVRY_RELAY_ADVERTISE_ADDR`. */
  relayEnv?: (index: number) => Record<string, string>;
  hosts?: HostOptions[];
  gatewayEnv?: Record<string, string>;
}

export interface WavryStack extends AsyncDisposable {
  masterUrl: string;
  gatewayUrl: string;
  relays: { udp: string; healthUrl: string; relayId: string }[];
  hosts: { username: string; healthUrl: string; udp: string }[];
  fixtures: FixtureProcess[];
  targets(): WavryTargets;
  stop(): Promise<void>;
}

/** Starts master, relays (registered and assignable), gateway and hosts (bound). */
export async function startWavryStack(options: WavryStackOptions = {}): Promise<WavryStack> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drill-wavry-stack-'));
  const fixtures: FixtureProcess[] = [];
  const release = { DRILL_RELEASE: options.release ?? '0.0.5' };
  const sessionRelease = { DRILL_RELEASE: options.sessionRelease ?? release.DRILL_RELEASE };
  const stop = async () => {
    await Promise.all(fixtures.map((f) => f.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await start('master', {
      ...release,
      WAVRY_MASTER_LISTEN: '127.0.0.1:0',
      WAVRY_MASTER_SIGNING_KEY: secretKeyHex(Buffer.from(SIGNING_SEED_HEX, 'hex')),
      ADMIN_PANEL_TOKEN: ADMIN_TOKEN,
      WAVRY_MASTER_HEARTBEAT_INTERVAL_MS: '1000',
    });
    fixtures.push(master.fixture);
    const masterUrl = `http://${master.info.http}`;
    const relayCount = options.relays ?? 1;
    const relayStarts = Array.from({ length: relayCount }, (_, i) =>
      start('relay', {
        ...release,
        WAVRY_MASTER_URL: masterUrl,
        WAVRY_RELAY_LISTEN: '127.0.0.1:0',
        WAVRY_RELAY_HEALTH_LISTEN: '127.0.0.1:0',
        ...options.relayEnv?.(i),
      }),
    );
    const embeddedRelayPort = await freePort('udp');
    const gatewayStart = start('gateway', {
      ...sessionRelease,
      WAVRY_GATEWAY_BIND_ADDR: '127.0.0.1:0',
      WAVRY_GATEWAY_RELAY_BIND_ADDR: `127.0.0.1:${embeddedRelayPort}`,
      WAVRY_RELAY_PUBLIC_ADDR: `127.0.0.1:${embeddedRelayPort}`,
      WAVRY_GATEWAY_DB: path.join(dir, 'gateway.db'),
      WAVRY_MASTER_URL: masterUrl,
      WAVRY_WS_ALLOW_MISSING_ORIGIN: '1',
      ...options.gatewayEnv,
    });
    const started = await Promise.allSettled([...relayStarts, gatewayStart]);
    for (const result of started) if (result.status === 'fulfilled') fixtures.push(result.value.fixture);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const relays = started.slice(0, relayCount).map((r) => {
      const { info } = (r as PromiseFulfilledResult<{ info: Listening }>).value;
      return { udp: String(info.udp), healthUrl: `http://${info.health}`, relayId: String(info['relay_id']) };
    });
    const gatewayInfo = (started.at(-1) as PromiseFulfilledResult<{ info: Listening }>).value.info;
    const gatewayUrl = `http://${gatewayInfo.http}`;
    const hostOptions = options.hosts ?? [{ username: 'host-a' }];
    const hostStarts = await Promise.allSettled(
      hostOptions.map((host) =>
        start('host', {
          ...sessionRelease,
          WAVRY_GATEWAY_URL: `ws://${gatewayInfo.http}/ws`,
          WAVRY_LISTEN_ADDR: '127.0.0.1:0',
          WAVRY_HOST_HEALTH_LISTEN: '127.0.0.1:0',
          WAVRY_HOST_USERNAME: host.username,
          WAVRY_HOST_PASSWORD: `${host.username}-host-password`,
          ...host.env,
        }),
      ),
    );
    for (const result of hostStarts) if (result.status === 'fulfilled') fixtures.push(result.value.fixture);
    const hostFailed = hostStarts.find((r) => r.status === 'rejected');
    if (hostFailed) throw hostFailed.reason;
    const hosts = hostStarts.map((r, i) => {
      const { info } = (r as PromiseFulfilledResult<{ info: Listening }>).value;
      return { username: hostOptions[i]!.username, healthUrl: `http://${info.health}`, udp: String(info.udp) };
    });
    await until(
      () => getJson<MasterHealth>(`${masterUrl}/health`),
      (h) => h.relays_assignable >= relayCount,
      'relays assignable',
    );
    for (const host of hosts)
      await until(
        () => getJson<HostReady>(`${host.healthUrl}/ready`),
        (r) => r.ready,
        `${host.username} ready (bound on the gateway)`,
      );
    return {
      masterUrl,
      gatewayUrl,
      relays,
      hosts,
      fixtures,
      targets: () => ({
        gatewayUrl,
        masterUrl,
        hosts: hosts.map((h) => ({ name: h.username, username: h.username })),
        relays: relays.map((r, i) => ({ name: `relay-${i}`, healthUrl: r.healthUrl })),
        adminToken: ADMIN_TOKEN,
      }),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
