/**
 * `drill run` on the Signal stack end to end: real bridge and bot processes, the open-model workload, and a
 * report whose SLIs, thresholds, stored histograms and timeline are consistent with what happened.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ServiceError } from '../../src/common/errors.ts';
import { LatencyHistogram } from '../../src/load/latency-histogram.ts';
import { BridgeControl } from '../../src/load/signal/bridge-control.ts';
import { SignalDriver } from '../../src/load/signal/signal-driver.ts';
import { workloadSchema, type SignalWorkloadSpec } from '../../src/scenario/workload-schema.ts';
import { PhasedSlis } from '../../src/sli/phased-slis.ts';
import { SeriesRecorder } from '../../src/sli/series-recorder.ts';
import { runScenarioFile, type FinishedRun } from '../helpers/drill-cli.ts';
import { startFixture } from '../helpers/fixture-process.ts';

function scenario(dir: string, body: string): string {
  const file = path.join(dir, 'scenario.yaml');
  writeFileSync(
    file,
    `name: signal-e2e
release: 1.4.0
seed: 3
services:
  bridge: { kind: bridge, release: "0.100" }
  bot: { kind: bot, env: { WORKER_POOL_SIZE: 16 } }
links:
  - { from: bot, to: bridge }
${body}`,
  );
  return file;
}

async function run(body: string): Promise<FinishedRun> {
  return runScenarioFile(scenario(mkdtempSync(path.join(os.tmpdir(), 'drill-signal-')), body));
}

describe('signal run', () => {
  it('measures replies, catches no duplicates for re-emitted messages, and writes both reports', async () => {
    const { code, report, runDir, output } = await run(`
load: { executor: constant-arrival-rate, rate: 25, duration: 4s, gracefulStop: 5s }
workload:
  type: signal
  bridge: bridge
  bots: [bot]
  users: 20
  messages: [{ text: "!ping", weight: 9 }, { text: "just chatting", weight: 1, expectReply: false }]
  duplicateShare: 0.1
thresholds:
  reply_latency: ["p(95)<1000"]
  replies_missing: ["rate<0.05"]
  duplicate_replies: ["count<1"]
`);
    expect(output).toContain('drill: PASS');
    expect(code).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(report.load).toMatchObject({ scheduled: 100, arrivals: 100, dropped: 0 });
    const latency = report.slis.reply_latency!;
    expect(latency.count).toBeGreaterThan(60);
    expect(latency.percentiles!.p50).toBeGreaterThan(0);
    expect(report.slis.duplicate_replies).toMatchObject({ count: 0 });
    expect(report.slis.inject_errors).toMatchObject({ count: 0, total: 100 });
    // The stored histogram decodes to the same distribution the report summarises.
    const stored = LatencyHistogram.fromJSON(report.histograms.reply_latency);
    expect(stored.count).toBe(latency.count);
    expect(stored.percentileMs(99)).toBeCloseTo(latency.percentiles!.p99!, 0);
    expect(report.services.map((s) => [s.name, s.release])).toEqual([
      ['bridge', '0.100'],
      ['bot', '1.4.0'],
    ]);
    expect(report.timeline.map((e) => `${e.source}:${e.type}`)).toEqual(expect.arrayContaining(['service:started', 'load:start', 'load:end', 'fault:reset']));
    expect(report.series.columns).toEqual(expect.arrayContaining(['tMs', 'sent', 'replies', 'queue_depth']));
    const markdown = readFileSync(path.join(runDir, 'report.md'), 'utf8');
    expect(markdown.split('\n')[2]).toMatch(/^\*\*PASS\*\*/);
    expect(markdown).toMatch(/\| ✅ \| reply_latency \| `p\(95\)<1000` \|/);
  });

  it('a bot that cannot keep up fails its latency threshold and exits 1', async () => {
    const { code, report } = await run(`
load: { executor: constant-arrival-rate, rate: 20, duration: 3s, gracefulStop: 8s }
workload:
  type: signal
  bridge: bridge
  bots: [bot]
  messages: [{ text: "!slow" }]
thresholds:
  reply_latency: ["p(99)<100"]
`);
    expect(report.verdict).toBe('fail');
    expect(code).toBe(1);
    const threshold = report.thresholds[0]!;
    expect(threshold.pass).toBe(false);
    expect(threshold.observed).toBeGreaterThan(250); // !slow takes 250 ms in release 1.4.0
  });
});

describe('signal driver start-up', () => {
  const ACCOUNT = '+15550000001';

  async function startBridge(): Promise<{ api: string; control: BridgeControl }> {
    const fixture = await startFixture('bridge', { DRILL_RELEASE: '0.100', MODE: 'json-rpc', PORT: '0', DRILL_CONTROL_PORT: '0' });
    onTestFinished(() => fixture.stop());
    const { port, controlPort } = JSON.parse(await fixture.waitForLine(/"event":"listening"/)) as { port: number; controlPort: number };
    const control = new BridgeControl(`http://127.0.0.1:${controlPort}`);
    onTestFinished(() => control[Symbol.asyncDispose]());
    return { api: `http://127.0.0.1:${port}`, control };
  }

  async function startBot(api: string, account: string): Promise<{ metricsUrl: string }> {
    const env = { SIGNAL_PHONE_NUMBER: account, SIGNAL_SERVICE_URL: api, SIGNAL_API_URL: api, DRILL_RELEASE: '1.4.0', HEALTH_PORT: '0', METRICS_PORT: '0' };
    const fixture = await startFixture('bot', env);
    onTestFinished(() => fixture.stop());
    const { metricsPort } = JSON.parse(await fixture.waitForLine(/"event":"listening"/)) as { metricsPort: number };
    return { metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
  }

  function driverFor(controlUrl: string, metricsUrl: string, subscribeTimeoutMs: number): SignalDriver {
    const spec = workloadSchema.parse({ type: 'signal', bridge: 'bridge', bots: ['bot'], account: ACCOUNT }) as SignalWorkloadSpec;
    const driver = new SignalDriver(spec, { bridgeControlUrl: controlUrl, botMetricsUrls: [metricsUrl] }, 1, { subscribeTimeoutMs });
    onTestFinished(() => driver[Symbol.asyncDispose]());
    return driver;
  }

  const context = () => ({ slis: new PhasedSlis(() => new LatencyHistogram(), Date.now()), series: new SeriesRecorder(1_000, Date.now(), 'latency') });

  it('prepare waits until the bot has subscribed at the bridge, so the first message is delivered', async () => {
    const { api, control } = await startBridge();
    // The bridge holds the bot's websocket handshake until the fault is cleared.
    await control.setFaults({ hang: ['/v1/receive/{number}'] });
    const bot = await startBot(api, ACCOUNT);
    let prepared = false;
    const preparing = driverFor(control.baseUrl, bot.metricsUrl, 30_000)
      .prepare(context())
      .then(() => (prepared = true));
    await sleep(300); // time for a few polls of the bridge: none may end the wait while the handshake is held
    expect((await control.stats(ACCOUNT)).subscribers).toBe(0);
    expect(prepared).toBe(false);
    await control.clearFaults();
    await preparing;
    expect((await control.stats(ACCOUNT)).subscribers).toBe(1);
    const before = await control.stats();
    const injected = await control.inject(ACCOUNT, [{ source: '+15551230001', timestamp: Date.now(), message: 'hello' }]);
    expect(injected).toEqual({ delivered: [1], dropped: 0 });
    expect((await control.stats()).framesDropped).toBe(before.framesDropped);
  });

  it('prepare fails with the bot and the account named when the bot never subscribes for the account', async () => {
    const { api, control } = await startBridge();
    const bot = await startBot(api, '+15559990000'); // connected, but for another account
    const error = await driverFor(control.baseUrl, bot.metricsUrl, 1_500)
      .prepare(context())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ code: 'DRILL_SERVICE_FAILED' });
    const message = (error as ServiceError).message;
    expect(message).toContain(`bot "bot" did not subscribe to account ${ACCOUNT} at the bridge within 1500 ms`);
    expect(message).toContain('the bridge counts 0 receive websocket(s) for the account, 1 expected');
    expect(message).toContain('bot websocket_connection_state 1');
    expect(message).toContain('SIGNAL_PHONE_NUMBER');
  });
});
