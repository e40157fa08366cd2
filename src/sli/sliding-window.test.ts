import { describe, expect, it } from 'vitest';
import { parseThresholdExpression, type ThresholdExpression } from '../scenario/threshold-expression.ts';
import { OutcomeLog } from './outcome-log.ts';
import { judgeRecovery, judgeWindow, recoveryCurve } from './sliding-window.ts';

const expression = (source: string) => parseThresholdExpression(source) as ThresholdExpression;
const latency = { name: 'reply_latency', kind: 'trend' as const, unit: 'ms', description: '' };
const failed = { name: 'http_req_failed', kind: 'rate' as const, unit: 'requests', description: '' };

describe('sliding windows over the outcome log', () => {
  it('judges a trend over one window from the outcomes stamped in it only', () => {
    const log = new OutcomeLog();
    for (let i = 0; i < 100; i++) log.at(1_000 + i).trend('reply_latency').recordMs(i < 98 ? 10 : 900);
    log.at(5_000).trend('reply_latency').recordMs(5_000); // outside the window
    const judged = judgeWindow(log, latency, expression('p(99) < 800'), 1_000, 2_000);
    expect(judged).toMatchObject({ observed: 900, pass: false });
    expect(judgeWindow(log, latency, expression('p(98) < 800'), 1_000, 2_000)).toMatchObject({ observed: 10, pass: true });
    // No samples: a trend fails, a rate with no events is 0.
    expect(judgeWindow(log, latency, expression('p(99) < 800'), 3_000, 4_000)).toMatchObject({ observed: null, pass: false });
    expect(judgeWindow(log, failed, expression('rate < 0.01'), 3_000, 4_000)).toMatchObject({ observed: 0, pass: true });
  });

  it('finds recovery at the start of the first run of consecutive holding windows', () => {
    const log = new OutcomeLog();
    // Requests every 10 ms from 0 to 3 s; all fail from 1,000 to 1,750 ms, one fails alone at 2,120 ms.
    for (let t = 0; t < 3_000; t += 10) log.at(t).rate('http_req_failed', (t >= 1_000 && t < 1_750) || t === 2_120);
    const spec = { definition: failed, expression: expression('rate < 0.01'), windowMs: 250, consecutive: 3 };
    const judged = judgeRecovery(log, spec, 1_000, 3_000);
    // 1,750–2,000 holds, 2,000–2,250 does not (the lone failure), then 2,250, 2,500, 2,750 hold.
    expect(judged.recoveredAtMs).toBe(2_250);
    expect(judged.windows.map((w) => w.pass)).toEqual([false, false, false, true, false, true, true, true]);
    expect(judgeRecovery(log, spec, 1_000, 2_600).recoveredAtMs).toBeUndefined();
    const curve = recoveryCurve(log, spec, 1_000, 2_000);
    expect(curve.map((w) => [w.startMs, w.observed])).toEqual([[250, 0], [500, 0], [750, 0], [1_000, 1], [1_250, 1], [1_500, 1], [1_750, 0]]);
  });

  it('keeps what the other kinds summarise: counter sums, gauge last value', () => {
    const log = new OutcomeLog();
    log.at(10).count('unexpected_replies', 2);
    log.at(20).count('unexpected_replies');
    log.at(30).gauge('dlq_depth', 4);
    log.at(25).gauge('dlq_depth', 7);
    const counter = log.window({ name: 'unexpected_replies', kind: 'counter', unit: 'replies', description: '' }, 0, 1_000);
    expect(counter?.value).toMatchObject({ count: 3, rate: 3 });
    const gauge = log.window({ name: 'dlq_depth', kind: 'gauge', unit: 'records', description: '' }, 0, 1_000);
    expect(gauge?.value).toMatchObject({ value: 4, max: 7, min: 4 });
  });
});
