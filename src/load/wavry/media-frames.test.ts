import { describe, expect, it } from 'vitest';
import { MEDIA_HEADER_BYTES } from '../../wire/wavry.ts';
import { decodeMedia, encodeMedia, SequenceCounter } from './media-frames.ts';

describe('media frames', () => {
  it('round-trips sequence, kind and timestamp, with padding', () => {
    const bytes = encodeMedia(2 ** 40 + 7, 'Ping', 1234.5678, 10);
    expect(bytes.length).toBe(MEDIA_HEADER_BYTES + 10);
    expect(bytes.readBigUInt64BE(0)).toBe(BigInt(2 ** 40 + 7));
    expect(decodeMedia(bytes)).toEqual({ sequence: 2 ** 40 + 7, kind: 'Ping', sentAtMs: 1234.5678 });
  });

  it('refuses short packets and unknown kinds', () => {
    expect(decodeMedia(Buffer.alloc(1))).toBeUndefined();
    const bytes = encodeMedia(1, 'Input', 0);
    bytes[8] = 0x7f;
    expect(decodeMedia(bytes)).toBeUndefined();
  });

  it('counts sequences from 1', () => {
    const counter = new SequenceCounter();
    expect([counter.next(), counter.next()]).toEqual([1, 2]);
  });
});
