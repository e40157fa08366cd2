import { describe, expect, it } from 'vitest';
import { faultSchema } from '../../scenario/faults-schema.ts';
import type { ProxyJson } from '../toxic-types.ts';
import { judgeReadBack, measurable, toxicOf } from './fault-effect.ts';

const proxy = (toxics: ProxyJson['toxics'], enabled = true): ProxyJson => ({
  name: 'a_to_b',
  listen: '127.0.0.1:1',
  upstream: '127.0.0.1:2',
  enabled,
  toxics,
});
const bandwidth = faultSchema.parse({ at: 0, link: 'a->b', type: 'bandwidth', rate: 100, toxicity: 0.3 });

describe('judgeReadBack', () => {
  it('accepts the toxic the server holds as asked, toxicity stored as a float32 included', () => {
    const verdict = judgeReadBack(
      toxicOf(bandwidth, 'fault0_bandwidth'),
      proxy([
        { name: 'fault0_bandwidth', type: 'bandwidth', stream: 'downstream', toxicity: 0.30000001192092896, attributes: { rate: 100 } },
      ]),
    );
    expect(verdict).toEqual({ verified: true, reason: 'accepted by server: fault0_bandwidth read back with {"rate":100}' });
  });

  it('names what the server holds differently, or that the toxic is missing', () => {
    const expected = toxicOf(bandwidth, 'fault0_bandwidth');
    expect(
      judgeReadBack(
        expected,
        proxy([{ name: 'fault0_bandwidth', type: 'bandwidth', stream: 'upstream', toxicity: 0.3, attributes: { rate: 10 } }]),
      ),
    ).toEqual({
      verified: false,
      reason: 'the server holds fault0_bandwidth with stream upstream, rate 10 (asked 100)',
    });
    expect(judgeReadBack(expected, proxy([])).reason).toBe('toxic fault0_bandwidth is not on proxy a_to_b');
  });

  it('checks that a partitioned proxy is disabled', () => {
    expect(judgeReadBack(undefined, proxy([], false)).verified).toBe(true);
    expect(judgeReadBack(undefined, proxy([], true))).toEqual({ verified: false, reason: 'proxy a_to_b is still enabled' });
  });
});

describe('measurable', () => {
  it('measures what a probe can see and reads back the rest', () => {
    const of = (type: string, extra: object = {}) => faultSchema.parse({ at: 0, link: 'a->b', type, ...extra });
    expect(measurable(of('latency'), 'tcp', true)).toBe(true);
    expect(measurable(of('latency'), 'tcp', false)).toBe(false);
    expect(measurable(of('slicer', { average_size: 10 }), 'tcp', true)).toBe(false);
    expect(measurable(of('loss', { probability: 0.1 }), 'tcp', true)).toBe(false);
    expect(measurable(of('loss', { probability: 0.1 }), 'udp', false)).toBe(true);
    expect(measurable(of('duplicate', { probability: 0.1 }), 'udp', false)).toBe(false);
  });
});
