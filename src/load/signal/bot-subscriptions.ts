/**
 * Before the load starts, waits until every bot's receive websocket has joined the bridge, as the bridge's control
 * API counts them for the account. A bot's `/ready` cannot tell (like the real signal-client's, it ignores the
 * websocket), and a message injected before the socket joins is dropped at the bridge (delivery is at-most-once),
 * so without this wait the first arrivals of a run would count as missing replies.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ServiceError } from '../../common/errors.ts';
import { sumOf } from '../../sli/prometheus-text.ts';
import type { BridgeControl } from './bridge-control.ts';
import { scrape } from './stack-sampler.ts';

export interface SubscribingBot {
  /** Service name, for the error message. */
  name: string;
  /** The bot's Prometheus endpoint; its `websocket_connection_state` tells which bot is not connected. */
  metricsUrl: string;
}

export interface BotSubscriptionWait {
  bridge: BridgeControl;
  /** The account the bots receive for. */
  account: string;
  bots: SubscribingBot[];
  /** Give up after this long, ms. */
  timeoutMs: number;
  /** Time between two looks at the bridge, ms. */
  pollIntervalMs?: number;
}

/** Resolves once the bridge counts at least one receive websocket per bot for the account; throws a ServiceError after `timeoutMs`. */
export async function waitForBotSubscriptions(wait: BotSubscriptionWait): Promise<void> {
  const { bridge, account, bots, timeoutMs, pollIntervalMs = 50 } = wait;
  const deadline = performance.now() + timeoutMs;
  let subscribers: number | undefined;
  let bridgeError: Error | undefined;
  for (;;) {
    try {
      subscribers = (await bridge.stats(account)).subscribers;
      bridgeError = undefined;
      if (subscribers >= bots.length) return;
    } catch (error) {
      bridgeError = error as Error;
    }
    if (performance.now() >= deadline) break;
    await sleep(pollIntervalMs);
  }
  throw new ServiceError(await describeTimeout(wait, subscribers, bridgeError));
}

async function describeTimeout(
  wait: BotSubscriptionWait,
  subscribers: number | undefined,
  bridgeError: Error | undefined,
): Promise<string> {
  const { account, bots, timeoutMs } = wait;
  const states = await Promise.all(
    bots.map(async (bot) => {
      const metrics = await scrape(bot.metricsUrl);
      return { name: bot.name, state: metrics ? (sumOf(metrics, 'websocket_connection_state') ?? 0) : undefined };
    }),
  );
  const down = states.filter((s) => s.state !== 1);
  const blamed = down.length > 0 ? down : states;
  const named = `${blamed.length === 1 ? 'bot' : 'bots'} ${blamed.map((s) => `"${s.name}"`).join(', ')}`;
  const seen = bridgeError
    ? `the bridge control API did not answer (${bridgeError.message})`
    : `the bridge counts ${subscribers ?? 0} receive websocket(s) for the account, ${bots.length} expected (one per bot)`;
  const perBot = states
    .map((s) => `${s.name} ${s.state === undefined ? 'metrics did not answer' : `websocket_connection_state ${s.state}`}`)
    .join(', ');
  const next =
    down.length > 0
      ? 'check its log and its link to the bridge'
      : `${states.length === 1 ? 'it says it is' : 'they say they are'} connected, so check that it receives for ${account} (SIGNAL_PHONE_NUMBER) through the bridge under test`;
  return `${named} did not subscribe to account ${account} at the bridge within ${timeoutMs} ms: ${seen}; ${perBot}. Messages sent now would be dropped, so the load does not start: ${next}.`;
}
