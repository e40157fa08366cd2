import { describe, expect, it } from 'vitest';
import { parseRollbackRule, rollbackLimit, rollbackTripped, type RollbackRule } from './rollback-expression.ts';

const parse = (source: string) => parseRollbackRule(source) as RollbackRule;

describe('parseRollbackRule', () => {
  it('reads the runbook rules', () => {
    expect(parse('reply_latency p(95) > 2x baseline')).toMatchObject({ sli: 'reply_latency', aggregation: { kind: 'percentile', percentile: 95 }, comparator: '>', factor: 2, offset: 0 });
    expect(parse('dlq_growth > baseline')).toMatchObject({ sli: 'dlq_growth', aggregation: undefined, factor: 1, offset: 0 });
    expect(parse('handshake_failures > baseline + 1pt')).toMatchObject({ offset: 0.01, relative: false });
    expect(parse('session_setup_success < baseline - 2pt')).toMatchObject({ comparator: '<', offset: -0.02 });
    expect(parse('reply_latency p(99) >= baseline + 50%')).toMatchObject({ offset: 0.5, relative: true });
  });

  it('computes limits and trips in the direction written', () => {
    const rule = parse('handshake_failures > baseline + 1pt');
    expect(rollbackLimit(rule, 0.005)).toBeCloseTo(0.015, 12);
    expect(rollbackTripped(rule, 0.02, rollbackLimit(rule, 0.005))).toBe(true);
    expect(rollbackTripped(rule, 0.01, rollbackLimit(rule, 0.005))).toBe(false);
    const latency = parse('reply_latency p(95) > 2x baseline');
    expect(rollbackTripped(latency, 401, rollbackLimit(latency, 200))).toBe(true);
    expect(rollbackLimit(parse('reply_latency p(99) > baseline + 50%'), 200)).toBe(300);
  });

  it('says what is wrong with a rule it cannot read', () => {
    expect(parseRollbackRule('p(95) > 2x baseline')).toMatch(/expected "<sli> \[aggregation\] <op>/);
    expect(parseRollbackRule('reply_latency p(95) > 500')).toMatch(/got "reply_latency p\(95\) > 500"/);
    expect(parseRollbackRule('reply_latency p(0) > baseline')).toMatch(/percentile must be in/);
  });
});
