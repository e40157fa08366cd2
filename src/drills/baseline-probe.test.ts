import { describe, expect, it } from 'vitest';
import { parseBaselineCondition } from '../scenario/baseline-condition.ts';
import type { RollbackRule } from '../scenario/rollback-expression.ts';
import { OutcomeLog } from '../sli/outcome-log.ts';
import { judgeAgainstBaseline } from './baseline-probe.ts';

const latency = { name: 'reply_latency', kind: 'trend' as const, unit: 'ms', description: '' };
const growth = { name: 'dlq_growth', kind: 'counter' as const, unit: 'records', description: '' };
const rule = (sli: string, condition: string) => parseBaselineCondition(sli, condition) as RollbackRule;
const baseline = { startMs: 0, endMs: 10_000 };

describe('probes judged against the baseline phase', () => {
  it('holds latency to k times the baseline figure plus an amount', () => {
    const log = new OutcomeLog();
    for (let t = 0; t < 10_000; t += 100) log.at(t).trend('reply_latency').recordMs(100); // baseline p95 100 ms
    for (let t = 10_000; t < 12_000; t += 100) log.at(t).trend('reply_latency').recordMs(250);
    for (let t = 12_000; t < 14_000; t += 100) log.at(t).trend('reply_latency').recordMs(350);
    const doubles = rule('reply_latency', 'p(95) < 2x baseline + 100ms');
    expect(judgeAgainstBaseline(log, latency, doubles, { startMs: 10_000, endMs: 12_000 }, baseline)).toMatchObject({ pass: true, value: 250 });
    const tripped = judgeAgainstBaseline(log, latency, doubles, { startMs: 12_000, endMs: 14_000 }, baseline);
    expect(tripped).toMatchObject({ pass: false, value: 350, observed: 'reply_latency p(95) = 350, baseline 100, limit < 300' });
    // No replies in the window deviates; so does a baseline without samples.
    expect(judgeAgainstBaseline(log, latency, doubles, { startMs: 20_000, endMs: 22_000 }, baseline).pass).toBe(false);
    expect(judgeAgainstBaseline(log, latency, doubles, { startMs: 10_000, endMs: 12_000 }, { startMs: 50_000, endMs: 60_000 })).toMatchObject({
      pass: false,
      observed: 'reply_latency p(95): no samples in the baseline phase',
    });
  });

  it("scales a counter's baseline count to the window's length", () => {
    const log = new OutcomeLog();
    // 10 records over the 10 s baseline: 1 per second, so a 3 s window may grow by 3.
    for (let t = 500; t < 10_000; t += 1_000) log.at(t).count('dlq_growth', 1);
    for (let t = 10_000; t < 13_000; t += 1_000) log.at(t).count('dlq_growth', 1);
    log.at(13_500).count('dlq_growth', 4);
    const notFaster = rule('dlq_growth', 'count <= baseline');
    expect(judgeAgainstBaseline(log, growth, notFaster, { startMs: 10_000, endMs: 13_000 }, baseline)).toMatchObject({ pass: true, value: 3 });
    expect(judgeAgainstBaseline(log, growth, notFaster, { startMs: 11_000, endMs: 14_000 }, baseline)).toMatchObject({
      pass: false,
      value: 6,
      observed: 'dlq_growth count = 6, baseline 3 for 3000 ms, limit <= 3',
    });
  });

  it('refuses conditions outside the grammar, naming it', () => {
    expect(parseBaselineCondition('reply_latency', 'p(95) < twice baseline')).toMatch(/expected "\[aggregation\] <op> \[k x\] baseline/);
    expect(rule('replies_missing', 'rate < baseline + 1pt')).toMatchObject({ comparator: '<', factor: 1, offset: 0.01 });
  });
});
