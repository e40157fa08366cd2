/**
 * The Signal bot workload. Each arrival injects one user message at the bridge (as the Signal network
 * would deliver it) and waits for the bot's reply in the bridge's oracle log. Latency runs from the
 * arrival's intended time to the moment the bridge accepted the reply (coordinated-omission-correct).
 */
import { seededRandom } from '../../common/random.ts';
import { RecentKeys } from '../../common/recent-keys.ts';
import type { SignalWorkloadSpec } from '../../scenario/workload-schema.ts';
import type { Arrival, DriverContext, DriverFindings, WorkloadDriver } from '../workload-driver.ts';
import { waitForBotSubscriptions } from './bot-subscriptions.ts';
import { BridgeControl } from './bridge-control.ts';
import { MessageGenerator } from './message-generator.ts';
import { duplicateWindowMs, MAX_REMEMBERED, ReplyTracker } from './reply-tracker.ts';
import { sampleStack, type StackSample } from './stack-sampler.ts';

export interface SignalDriverTargets {
  /** Base URL of the bridge's control API. */
  bridgeControlUrl: string;
  /** Prometheus endpoints of the bots, in the order of the workload's `bots`. */
  botMetricsUrls: string[];
}

export interface SignalDriverOptions {
  /** How long `prepare` waits for every bot's receive websocket to join the bridge, ms. Default 20,000. */
  subscribeTimeoutMs?: number;
}

const DEFAULT_SUBSCRIBE_TIMEOUT_MS = 20_000;
/** Most messages answered more than once the report names. */
const MAX_NAMED_DUPLICATES = 1_000;

export class SignalDriver implements WorkloadDriver {
  readonly workload = 'signal';
  readonly latencySli = 'reply_latency';
  private readonly bridge: BridgeControl;
  private readonly generator: MessageGenerator;
  private readonly tracker: ReplyTracker;
  private context: DriverContext | undefined;
  private errors = 0;
  /** Inbound messages answered more than once, each counted once: kept as long as the tracker remembers answers. */
  private readonly duplicated: RecentKeys;
  /** Messages answered more than once, by reply key (`recipient|timestamp`), with their number of replies. */
  private readonly answeredTwice = new Map<string, number>();
  private firstSample: StackSample | undefined;
  private lastSample: StackSample | undefined;
  /** The last DLQ depth a sample read (a bot restarting answers none). */
  private lastDlqDepth: number | undefined;

  constructor(
    private readonly spec: SignalWorkloadSpec,
    private readonly targets: SignalDriverTargets,
    seed: number,
    private readonly options: SignalDriverOptions = {},
  ) {
    this.bridge = new BridgeControl(targets.bridgeControlUrl);
    this.generator = new MessageGenerator(spec, seededRandom(seed));
    this.duplicated = new RecentKeys({ capacity: MAX_REMEMBERED, retentionMs: duplicateWindowMs(spec.replyTimeout) });
    this.tracker = new ReplyTracker(spec.replyTimeout, {
      onDuplicate: (key) => {
        const nowMs = Date.now();
        const replies = this.answeredTwice.get(key);
        if (replies !== undefined || this.answeredTwice.size < MAX_NAMED_DUPLICATES) this.answeredTwice.set(key, (replies ?? 1) + 1);
        if (this.duplicated.has(key, nowMs)) return;
        this.duplicated.add(key, nowMs);
        this.errors++;
        this.ctx.slis.record((s) => s.count('duplicate_replies_seen'));
        this.ctx.series.add('duplicate_replies', nowMs);
      },
      onUnexpected: () => this.ctx.slis.record((s) => s.count('unexpected_replies')),
    });
  }

  private get ctx(): DriverContext {
    if (!this.context) throw new Error('SignalDriver used before prepare()');
    return this.context;
  }

  /** Waits for every bot to subscribe at the bridge, then follows the oracle log and takes the first sample. */
  async prepare(context: DriverContext): Promise<void> {
    this.context = context;
    await waitForBotSubscriptions({
      bridge: this.bridge,
      account: this.spec.account,
      bots: this.spec.bots.map((name, i) => ({ name, metricsUrl: this.targets.botMetricsUrls[i]! })),
      timeoutMs: this.options.subscribeTimeoutMs ?? DEFAULT_SUBSCRIBE_TIMEOUT_MS,
    });
    await this.bridge.followOracle((record) => this.tracker.observe(record));
    this.firstSample = await sampleStack({ botMetricsUrls: this.targets.botMetricsUrls, bridge: this.bridge });
    this.lastSample = this.firstSample;
    this.lastDlqDepth = this.firstSample.dlqDepth ?? undefined;
  }

  async fire(arrival: Arrival): Promise<void> {
    const { slis, series } = this.ctx;
    const generated = this.generator.next(arrival.intendedAtMs);
    const sentAtMs = Date.now();
    series.add('sent', sentAtMs);
    try {
      await this.bridge.inject(this.spec.account, [generated.inject]);
      slis.record((s) => s.rate('inject_errors', false), arrival.intendedAtMs);
    } catch {
      this.errors++;
      slis.record((s) => s.rate('inject_errors', true), arrival.intendedAtMs);
      series.add('inject_errors', sentAtMs);
      // A message the bridge never took cannot be answered; it still counts against replies_missing.
      if (generated.expectReply && !generated.duplicate) slis.record((s) => s.rate('replies_missing', true), arrival.intendedAtMs);
      return;
    }
    if (generated.duplicate) return; // a re-emitted (source, timestamp): any reply to it is a duplicate
    // Outcomes count in the phase the message was sent in, however late they are judged.
    const outcome = await this.tracker.expect({
      key: generated.key,
      intendedAtMs: arrival.intendedAtMs,
      sentAtMs,
      expectReply: generated.expectReply,
    });
    if (outcome.type === 'not-expected') return;
    const now = Date.now();
    if (outcome.type === 'missing') {
      this.errors++;
      slis.record((s) => {
        s.rate('replies_missing', true);
        s.rate('duplicate_replies', false);
      }, arrival.intendedAtMs);
      series.add('replies_missing', now);
      return;
    }
    slis.record((s) => {
      s.rate('replies_missing', false);
      s.rate('duplicate_replies', false);
      s.trend('reply_latency').recordMs(Math.max(0, outcome.correctedMs));
      s.trend('reply_latency_uncorrected').recordMs(Math.max(0, outcome.uncorrectedMs));
    }, arrival.intendedAtMs);
    series.add('replies', now);
    series.latency(now, outcome.correctedMs);
  }

  async sample(): Promise<void> {
    const { slis, series } = this.ctx;
    const sample = await sampleStack({ botMetricsUrls: this.targets.botMetricsUrls, bridge: this.bridge });
    const previous = this.lastSample;
    this.lastSample = sample;
    slis.record((s) => {
      if (sample.queueDepth !== null) s.gauge('queue_depth', sample.queueDepth);
      if (sample.dlqDepth !== null) s.gauge('dlq_depth', sample.dlqDepth);
      if (previous) {
        const seconds = (sample.atMs - previous.atMs) / 1_000;
        s.count('breaker_open_time', sample.breakerOpen ? seconds : 0);
        s.count('websocket_down_time', sample.websocketUp ? 0 : seconds);
        if (sample.bridgeDropped !== null && previous.bridgeDropped !== null) s.count('bridge_dropped_frames', sample.bridgeDropped - previous.bridgeDropped);
        const attempts = reconnectAttempts(sample, previous);
        if (attempts) {
          s.count('receive_reconnects_rejected', attempts.rejected);
          s.gauge('receive_reconnect_rate', seconds > 0 ? attempts.all / seconds : 0);
        }
      }
    });
    if (sample.dlqDepth !== null) {
      // Growth between samples, for windows of the outcome log (`dlq_growth` probes); the run's figure is end − start.
      if (this.lastDlqDepth !== undefined) slis.log.add('dlq_growth', sample.atMs, sample.dlqDepth - this.lastDlqDepth);
      this.lastDlqDepth = sample.dlqDepth;
    }
    series.set('queue_depth', sample.atMs, sample.queueDepth);
    series.set('dlq_depth', sample.atMs, sample.dlqDepth);
    series.set('breaker_open', sample.atMs, sample.breakerOpen);
    series.set('websocket_up', sample.atMs, sample.websocketUp);
  }

  findings(): DriverFindings {
    return { duplicateReplies: [...this.answeredTwice].map(([message, replies]) => ({ message, replies })) };
  }

  errorCount(): number {
    return this.errors;
  }

  async finish(): Promise<void> {
    this.tracker.abandonAll();
    await this.sample();
    const first = this.firstSample?.dlqDepth;
    const last = this.lastSample?.dlqDepth;
    if (first !== null && first !== undefined && last !== null && last !== undefined) {
      this.ctx.slis.run.count('dlq_growth', last - first);
    }
    // Duplicates were counted as they came; fold them into the rate over answered messages.
    for (const { set } of [{ set: this.ctx.slis.run }, ...this.ctx.slis.phaseSets]) {
      const duplicates = set.counters.get('duplicate_replies_seen') ?? 0;
      if (duplicates > 0) {
        const rate = set.rates.get('duplicate_replies') ?? { bad: 0, total: 0 };
        set.rates.set('duplicate_replies', { bad: rate.bad + duplicates, total: rate.total });
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.tracker.abandonAll();
    await this.bridge[Symbol.asyncDispose]();
  }
}

/** Receive upgrades the bridge saw between two samples, when its release limits reconnects (and so counts them). */
function reconnectAttempts(sample: StackSample, previous: StackSample): { all: number; rejected: number } | undefined {
  const { reconnectsAccepted: accepted, reconnectsRejected: rejected } = sample;
  if (accepted === null || rejected === null || previous.reconnectsAccepted === null || previous.reconnectsRejected === null) return undefined;
  const refused = rejected - previous.reconnectsRejected;
  return { all: accepted - previous.reconnectsAccepted + refused, rejected: refused };
}
