import { describe, expect, it } from 'vitest';
import { decodeCandidate, encodeCandidate } from './ice-candidate.ts';

const LINE = 'candidate:1 1 UDP 2114977791 127.0.1.7 49295 typ host';

describe('ICE candidates in signaling', () => {
  it('writes browser-style JSON without the SDP attribute prefix, and reads it back', () => {
    const text = encodeCandidate(`a=${LINE}`, '0');
    expect(JSON.parse(text)).toEqual({ candidate: LINE, sdpMid: '0' });
    expect(decodeCandidate(text)).toEqual({ candidate: LINE, sdpMid: '0' });
  });

  it('reads bare lines and refuses what is not a candidate', () => {
    expect(decodeCandidate(`a=${LINE}`)).toEqual({ candidate: LINE, sdpMid: '0' });
    expect(decodeCandidate(JSON.stringify({ candidate: LINE }))).toEqual({ candidate: LINE, sdpMid: '0' });
    expect(decodeCandidate('{"candidate":"nope"}')).toBeUndefined();
    expect(decodeCandidate('garbage')).toBeUndefined();
  });
});
