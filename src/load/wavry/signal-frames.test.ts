import { describe, expect, it } from 'vitest';
import { decodeSignalFrame, encodeSignalFrame } from './signal-frames.ts';

describe('signal frames', () => {
  it('writes the gateway dialect', () => {
    expect(encodeSignalFrame({ type: 'BIND', token: 't' })).toBe('{"type":"Bind","payload":{"token":"t"}}');
    expect(encodeSignalFrame({ type: 'REQUEST_RELAY', target_username: 'h' })).toBe(
      '{"type":"REQUEST_RELAY","payload":{"target_username":"h"}}',
    );
    expect(encodeSignalFrame({ type: 'BIND', token: 't' }, 'flat')).toBe('{"type":"BIND","token":"t"}');
  });

  it('reads both dialects and refuses what it does not know', () => {
    expect(decodeSignalFrame('{"type":"Bound"}')).toEqual({ type: 'BOUND' });
    expect(decodeSignalFrame('{"type":"Error","payload":{"message":"Invalid Token"}}')).toEqual({
      type: 'ERROR',
      message: 'Invalid Token',
    });
    const credentials = { token: 'x', addr: '127.0.0.1:4000', session_id: 's', relay_id: 'r' };
    expect(decodeSignalFrame(JSON.stringify({ type: 'RELAY_CREDENTIALS', payload: credentials }))).toEqual({
      type: 'RELAY_CREDENTIALS',
      ...credentials,
    });
    expect(decodeSignalFrame(JSON.stringify({ type: 'RELAY_CREDENTIALS', ...credentials }))).toEqual({
      type: 'RELAY_CREDENTIALS',
      ...credentials,
    });
    expect(decodeSignalFrame('{"type":"Answer","payload":{"target_username":"h","sdp":"v=0"}}')).toEqual({
      type: 'ANSWER',
      target_username: 'h',
      sdp: 'v=0',
    });
    expect(decodeSignalFrame('{"type":"ANSWER_RIFT","payload":{"target_username":"h"}}')).toBeUndefined();
    expect(decodeSignalFrame('{"type":"Nope"}')).toBeUndefined();
    expect(decodeSignalFrame('not json')).toBeUndefined();
  });
});
