import { describe, expect, it } from 'vitest';
import { METRIC_CONDITION, parseMetricCondition } from './steps-schema.ts';

describe('metric conditions', () => {
  it('reads a name, a label selector, an operator and a limit', () => {
    expect(parseMetricCondition('relay_sessions{state="active", region="eu"} >= 1')).toEqual({ name: 'relay_sessions', where: { state: 'active', region: 'eu' }, comparator: '>=', limit: 1 });
    expect(parseMetricCondition(' dead_letter_queue_depth == 0 ')).toEqual({ name: 'dead_letter_queue_depth', where: {}, comparator: '==', limit: 0 });
    expect(METRIC_CONDITION.test('relay_sessions{state="active"}')).toBe(false);
  });
});
