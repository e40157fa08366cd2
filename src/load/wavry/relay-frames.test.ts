import { describe, expect, it } from 'vitest';
import { RELAY_PACKET_TYPE } from '../../wire/wavry.ts';
import { decodeRelayReply, encodeLeasePresent, relayHeader, sessionIdBytes } from './relay-frames.ts';

const SESSION = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

describe('relay frames', () => {
  it('writes LEASE_PRESENT as the relay reads it', () => {
    const packet = encodeLeasePresent(sessionIdBytes(SESSION), 'server', 'tok');
    expect([...packet.subarray(0, 4)]).toEqual([0x57, 0x01, RELAY_PACKET_TYPE.LeasePresent, 0]);
    expect(packet.subarray(4, 20).toString('hex')).toBe(SESSION.replace(/-/g, ''));
    expect([...packet.subarray(20)]).toEqual([1, 0, 3, ...Buffer.from('tok')]);
  });

  it('reads ACK, REJECT and FORWARD of its own session only', () => {
    const id = sessionIdBytes(SESSION);
    const ack = Buffer.concat([relayHeader(RELAY_PACKET_TYPE.LeaseAck, id), Buffer.alloc(16)]);
    ack.writeBigUInt64BE(1_700_000_000_000n, 20);
    expect(decodeRelayReply(ack, id)).toEqual({ type: 'ack', expiresAtMs: 1_700_000_000_000 });
    const reject = Buffer.concat([relayHeader(RELAY_PACKET_TYPE.LeaseReject, id), Buffer.from([0, 3])]);
    expect(decodeRelayReply(reject, id)).toEqual({ type: 'reject', reason: 'WrongRelay' });
    const unknown = Buffer.concat([relayHeader(RELAY_PACKET_TYPE.LeaseReject, id), Buffer.from([0, 9])]);
    expect(decodeRelayReply(unknown, id)).toEqual({ type: 'reject', reason: 'Unknown' });
    const forward = Buffer.concat([relayHeader(RELAY_PACKET_TYPE.Forward, id), Buffer.from('media')]);
    expect(decodeRelayReply(forward, id)).toEqual({ type: 'forward', payload: Buffer.from('media') });
    expect(decodeRelayReply(forward, sessionIdBytes('00000000-0000-0000-0000-000000000001'))).toBeUndefined();
    expect(decodeRelayReply(Buffer.alloc(3), id)).toBeUndefined();
  });
});
