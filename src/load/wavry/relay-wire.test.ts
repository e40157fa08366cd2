import { describe, expect, it } from 'vitest';
import { LEASE_REJECT_REASON, RELAY_PACKET_TYPE } from '../../wire/wavry.ts';
import { decodeMedia, encodeMedia, leaseClaims, leasePresent, readRelayPacket, relayPacket } from './relay-wire.ts';

const sid = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('relay wire', () => {
  it('writes the 20-byte header and a LEASE_PRESENT payload, big-endian', () => {
    const packet = leasePresent(sid, 'server', 'tok');
    expect([...packet.subarray(0, 4)]).toEqual([0x57, 0x01, RELAY_PACKET_TYPE.LeasePresent, 0]);
    expect(packet.subarray(4, 20).toString('hex')).toBe(sid.replaceAll('-', ''));
    expect([...packet.subarray(20)]).toEqual([1, 0, 3, ...Buffer.from('tok')]);
  });

  it('reads ACK, REJECT with its reason, and FORWARD', () => {
    expect(readRelayPacket(relayPacket(RELAY_PACKET_TYPE.LeaseAck, sid, Buffer.alloc(16)))).toEqual({ type: 'ack' });
    const reason = Buffer.alloc(2);
    reason.writeUInt16BE(LEASE_REJECT_REASON.WrongRelay);
    expect(readRelayPacket(relayPacket(RELAY_PACKET_TYPE.LeaseReject, sid, reason))).toEqual({ type: 'reject', reason: 'WrongRelay' });
    expect(readRelayPacket(Buffer.from('nope'))).toEqual({ type: 'other' });
  });

  it('round-trips media packets', () => {
    const packet = { sequence: 7, kind: 'Input' as const, sentAtMs: 1234.5, paddingBytes: 10 };
    expect(decodeMedia(encodeMedia(packet))).toEqual(packet);
  });

  it('reads the claims of a v4.public token', () => {
    const claims = { sub: 'u', sid, role: 'client', rid: 'r' };
    const token = `v4.public.${Buffer.concat([Buffer.from(JSON.stringify(claims)), Buffer.alloc(64)]).toString('base64url')}`;
    expect(leaseClaims(token)).toEqual(claims);
    expect(leaseClaims('v3.local.x')).toBeUndefined();
  });
});
