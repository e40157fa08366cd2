import { describe, expect, it } from 'vitest';
import { parseToxicCreate, parseToxicUpdate } from './toxic-spec.ts';

describe('parseToxicCreate', () => {
  it("fills Toxiproxy's defaults: downstream, toxicity 1, name <type>_<stream>, zero attributes", () => {
    expect(parseToxicCreate({ type: 'latency', attributes: { latency: 10 } }, 'tcp', 'p')).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 10, jitter: 0 },
    });
    expect(parseToxicCreate({ type: 'loss', stream: 'upstream' }, 'udp', 'p')).toMatchObject({
      name: 'loss_upstream',
      attributes: { probability: 0, correlation: 0 },
    });
  });

  it.each([
    [{ type: 'latency', stream: 'up' }, 'tcp', /^stream was invalid/],
    [{ type: 'jam' }, 'tcp', /^invalid toxic type$/],
    [{ type: 'reorder' }, 'tcp', /reorder toxic applies to UDP proxies only.*proxy p is TCP/],
    [{ type: 'slicer', attributes: { average_size: 8 } }, 'udp', /slicer toxic applies to TCP proxies only/],
    [{ type: 'latency', attributes: { latency: 1.5 } }, 'tcp', /`latency`.*non-negative integer \(milliseconds\), got 1.5/],
    [{ type: 'latency', attributes: { latancy: 5 } }, 'tcp', /unknown attribute `latancy`.*latency, jitter/],
    [{ type: 'loss', attributes: { probability: 1.2 } }, 'udp', /`probability`.*from 0 to 1/],
    [{ type: 'slicer', attributes: { average_size: 0 } }, 'tcp', /average_size.*at least 1/],
    [{ type: 'slicer', attributes: { average_size: 8, size_variation: 9 } }, 'tcp', /size_variation.*at most `average_size` \(8 bytes\), got 9/],
    [{ type: 'latency', toxicity: 2 }, 'tcp', /toxicity.*from 0 to 1/],
    [[1], 'tcp', /JSON object/],
  ] as const)('rejects %j on a %s proxy', (body, protocol, message) => {
    expect(() => parseToxicCreate(body, protocol, 'p')).toThrow(message);
  });
});

it('accepts a slicer whose size_variation equals average_size, as Toxiproxy does', () => {
  expect(parseToxicCreate({ type: 'slicer', attributes: { average_size: 1000, size_variation: 1000, delay: 1000 } }, 'tcp', 'p')).toMatchObject({
    attributes: { average_size: 1000, size_variation: 1000, delay: 1000 },
  });
});

describe('parseToxicUpdate', () => {
  it('merges attributes and keeps name, type and stream', () => {
    const existing = parseToxicCreate({ type: 'latency', stream: 'upstream', attributes: { latency: 10, jitter: 2 } }, 'tcp', 'p');
    const updated = parseToxicUpdate(existing, { name: 'other', type: 'bandwidth', attributes: { latency: 50 }, toxicity: 0.5 });
    expect(updated).toEqual({ ...existing, toxicity: 0.5, attributes: { latency: 50, jitter: 2 } });
  });
});
