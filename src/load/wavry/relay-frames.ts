/**
 * The relay's UDP wire format, harness side (crates/rift-core/src/relay.rs): a 20-byte header (magic, version, type,
 * flags, session UUID) and big-endian payloads. Encodes what a client sends and reads what a relay answers.
 */
import {
  LEASE_REJECT_REASON,
  RELAY_HEADER_BYTES,
  RELAY_MAGIC,
  RELAY_PACKET_TYPE,
  RELAY_VERSION,
  type LeaseRejectReason,
  type LeaseRole,
} from '../../wire/wavry.ts';

const REASON_BY_CODE = new Map(Object.entries(LEASE_REJECT_REASON).map(([name, code]) => [code as number, name as LeaseRejectReason]));

export type RelayReply =
  { type: 'ack'; expiresAtMs: number } | { type: 'reject'; reason: LeaseRejectReason | 'Unknown' } | { type: 'forward'; payload: Buffer };

export function sessionIdBytes(sessionId: string): Buffer {
  const hex = sessionId.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new RangeError(`relay session id must be a UUID, got "${sessionId}"`);
  return Buffer.from(hex, 'hex');
}

export function relayHeader(type: number, sessionId: Buffer): Buffer {
  const header = Buffer.alloc(RELAY_HEADER_BYTES);
  header[0] = RELAY_MAGIC;
  header[1] = RELAY_VERSION;
  header[2] = type;
  sessionId.copy(header, 4);
  return header;
}

export function encodeLeasePresent(sessionId: Buffer, role: LeaseRole, token: string): Buffer {
  const tokenBytes = Buffer.from(token);
  const payload = Buffer.alloc(3 + tokenBytes.length);
  payload[0] = role === 'client' ? 0 : 1;
  payload.writeUInt16BE(tokenBytes.length, 1);
  tokenBytes.copy(payload, 3);
  return Buffer.concat([relayHeader(RELAY_PACKET_TYPE.LeasePresent, sessionId), payload]);
}

/** A relay packet of session `sessionId`, or undefined for anything else (other sessions, garbage). */
export function decodeRelayReply(packet: Buffer, sessionId: Buffer): RelayReply | undefined {
  if (packet.length < RELAY_HEADER_BYTES || packet[0] !== RELAY_MAGIC || packet[1] !== RELAY_VERSION) return undefined;
  if (!packet.subarray(4, RELAY_HEADER_BYTES).equals(sessionId)) return undefined;
  const payload = packet.subarray(RELAY_HEADER_BYTES);
  switch (packet[2]) {
    case RELAY_PACKET_TYPE.Forward:
      return { type: 'forward', payload };
    case RELAY_PACKET_TYPE.LeaseAck:
      return payload.length >= 16 ? { type: 'ack', expiresAtMs: Number(payload.readBigUInt64BE(0)) } : undefined;
    case RELAY_PACKET_TYPE.LeaseReject:
      return payload.length >= 2 ? { type: 'reject', reason: REASON_BY_CODE.get(payload.readUInt16BE(0)) ?? 'Unknown' } : undefined;
    default:
      return undefined;
  }
}
