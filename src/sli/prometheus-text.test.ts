import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from './prometheus-text.ts';

const text = `# HELP circuit_breaker_state Breaker state
# TYPE circuit_breaker_state gauge
circuit_breaker_state{endpoint="/v2/send",state="open"} 1
circuit_breaker_state{endpoint="/v2/send",state="closed"} 0
circuit_breaker_state{endpoint="/v1/reactions/+1",state="open"} 0
message_queue_depth 17
weird{label="a \\"quoted\\" value"} +Inf
`;

describe('parsePrometheusText', () => {
  it('reads names, labels (with escapes) and values', () => {
    const samples = parsePrometheusText(text);
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({ name: 'circuit_breaker_state', labels: { endpoint: '/v2/send', state: 'open' }, value: 1 });
    expect(samples[4]).toEqual({ name: 'weird', labels: { label: 'a "quoted" value' }, value: Infinity });
  });

  it('sums samples matching a label subset', () => {
    const samples = parsePrometheusText(text);
    expect(sumOf(samples, 'circuit_breaker_state', { state: 'open' })).toBe(1);
    expect(sumOf(samples, 'message_queue_depth')).toBe(17);
    expect(sumOf(samples, 'absent')).toBeUndefined();
  });
});
