/**
 * The Signal workload as k6 code: each iteration plays the Signal network delivering one user message to the bot
 * (`POST /_drill/inject` on the bridge's control port) and waits on the bridge's oracle websocket
 * (`/_drill/oracle`, every send the bridge accepted) for the bot's `/v2/send` quoting it. Reply latency runs from
 * the iteration's intended start to the moment the bridge accepted the reply (the bridge's clock: keep runner
 * and stack clocks in sync). One watcher VU follows the oracle for the whole test and counts duplicate replies.
 */
import { withPadding } from '../../load/signal/message-generator.ts';
import type { Scenario } from '../../scenario/scenario-schema.ts';
import type { SignalWorkloadSpec } from '../../scenario/workload-schema.ts';
import { scheduleMs } from './phase-windows.ts';
import type { WorkloadScript } from './workload-script.ts';

/** The k6 scenario of the oracle watcher (its iteration is not an arrival). */
export const WATCHER_SCENARIO = 'oracle_watch';

export const SIGNAL_K6_SLIS = ['reply_latency', 'reply_latency_uncorrected', 'replies_missing', 'inject_errors', 'duplicate_replies'];

export function signalScript(scenario: Scenario, workload: SignalWorkloadSpec): WorkloadScript {
  const watchMs = scheduleMs(scenario.load) + scenario.load.gracefulStop + workload.replyTimeout;
  const limits = [
    'bot and bridge samples (queue_depth, dlq_depth, dlq_growth, breaker_open_time, websocket_down_time, bridge_dropped_frames, unexpected_replies, receive_reconnects_rejected, receive_reconnect_rate): drill reads them from /metrics, /_drill/stats and /_drill/metrics, a k6 runner does not',
    'duplicate_replies counts a duplicate against answered + duplicated messages (drill: against answered messages)',
  ];
  if (workload.groupShare > 0) limits.push(`groupShare ${workload.groupShare}: the k6 script sends direct messages only`);
  return {
    imports: ["import http from 'k6/http';", "import ws from 'k6/ws';", "import { Counter, Rate, Trend } from 'k6/metrics';"],
    produced: SIGNAL_K6_SLIS,
    env: { BRIDGE_CONTROL_URL: `the bridge's control port (service ${workload.bridge}, port control)` },
    limits,
    extraScenarios: {
      [WATCHER_SCENARIO]: {
        executor: 'per-vu-iterations',
        exec: 'watchOracle',
        vus: 1,
        iterations: 1,
        maxDuration: `${Math.ceil(watchMs)}ms`,
        gracefulStop: '0s',
      },
    },
    body: `const BRIDGE_CONTROL_URL = requiredEnv('BRIDGE_CONTROL_URL', 'http://127.0.0.1:8081');
const ORACLE_URL = \`\${BRIDGE_CONTROL_URL.replace(/^http/, 'ws')}/_drill/oracle\`;
const ACCOUNT = ${JSON.stringify(workload.account)};
const USERS = ${workload.users};
const MESSAGES: { text: string; weight: number; expectReply: boolean }[] = ${JSON.stringify(workload.messages.map((m) => ({ text: withPadding(m), weight: m.weight, expectReply: m.expectReply })))};
const TOTAL_WEIGHT = MESSAGES.reduce((sum, m) => sum + m.weight, 0);
const DUPLICATE_SHARE = ${workload.duplicateShare};
const REPLY_TIMEOUT_MS = ${workload.replyTimeout};
const WATCH_MS = ${Math.ceil(watchMs)};

interface SendRecord {
  route: string;
  recipients: string[];
  quoteTimestamp: number | null;
  receivedAtMs: number;
}

const replyLatency = new Trend('reply_latency', true);
const replyLatencyUncorrected = new Trend('reply_latency_uncorrected', true);
const repliesMissing = new Rate('replies_missing');
const repliesMissingCount = new Counter('replies_missing_count');
const injectErrors = new Rate('inject_errors');
const injectErrorsCount = new Counter('inject_errors_count');
const duplicateReplies = new Rate('duplicate_replies');
const duplicateRepliesCount = new Counter('duplicate_replies_count');

/** This VU's last message, re-emitted as a duplicate (same source and timestamp) when the mix asks for one. */
let lastMessage: { source: string; timestamp: number; message: string; sourceName: string } | undefined;

function pickMessage(roll: number): { text: string; weight: number; expectReply: boolean } {
  let left = roll * TOTAL_WEIGHT;
  for (const message of MESSAGES) {
    left -= message.weight;
    if (left < 0) return message;
  }
  return MESSAGES[MESSAGES.length - 1]!;
}

function inject(message: NonNullable<typeof lastMessage>): boolean {
  const body = JSON.stringify({ account: ACCOUNT, messages: [message] });
  const response = http.post(\`\${BRIDGE_CONTROL_URL}/_drill/inject\`, body, {
    headers: { 'content-type': 'application/json' },
    tags: { name: 'inject' },
  });
  const ok = response.status === 200;
  injectErrors.add(!ok);
  if (!ok) injectErrorsCount.add(1);
  return ok;
}

function missing(): void {
  repliesMissing.add(true);
  repliesMissingCount.add(1);
}

export function arrival(): void {
  const intended = intendedAtMs();
  const random = randomFor(exec.scenario.name, exec.scenario.iterationInTest);
  if (lastMessage !== undefined && random() < DUPLICATE_SHARE) {
    inject(lastMessage); // any reply to it is a duplicate, counted by the watcher
    return;
  }
  const source = \`+1555\${String(1000000 + Math.floor(random() * USERS)).padStart(7, '0')}\`;
  const pick = pickMessage(random());
  const message = { source, timestamp: Math.floor(intended), message: pick.text, sourceName: \`User \${source.slice(-4)}\` };
  lastMessage = message;
  let sentAtMs = 0;
  let replied = false;
  let injected = false;
  // The socket opens before the inject: on loopback the reply can beat the inject's response.
  ws.connect(ORACLE_URL, null, (socket) => {
    socket.on('open', () => {
      sentAtMs = Date.now();
      injected = inject(message);
      if (!injected || !pick.expectReply) return socket.close();
      socket.setTimeout(() => socket.close(), REPLY_TIMEOUT_MS);
    });
    socket.on('message', (data) => {
      const record = JSON.parse(data) as SendRecord;
      if (record.route !== '/v2/send' || record.quoteTimestamp !== message.timestamp || !record.recipients.includes(source)) return;
      replied = true;
      replyLatency.add(Math.max(0, record.receivedAtMs - Math.min(intended, sentAtMs)));
      replyLatencyUncorrected.add(Math.max(0, record.receivedAtMs - sentAtMs));
      socket.close();
    });
    socket.on('error', () => socket.close());
  });
  if (!pick.expectReply) return;
  if (replied) repliesMissing.add(false);
  else missing();
}

/** One VU for the whole test: every reply quoting a message already answered is a duplicate. */
export function watchOracle(): void {
  const testStartMs = exec.scenario.startTime;
  const answered: Record<string, boolean> = {};
  ws.connect(ORACLE_URL, null, (socket) => {
    socket.on('message', (data) => {
      const record = JSON.parse(data) as SendRecord;
      if (record.route !== '/v2/send' || record.quoteTimestamp === null) return;
      const tags = { phase: phaseAt(record.quoteTimestamp, testStartMs) };
      for (const recipient of record.recipients) {
        const key = \`\${recipient}|\${record.quoteTimestamp}\`;
        duplicateReplies.add(answered[key] === true, tags);
        if (answered[key] === true) duplicateRepliesCount.add(1, tags);
        answered[key] = true;
      }
    });
    socket.setTimeout(() => socket.close(), WATCH_MS);
  });
}
`,
  };
}
