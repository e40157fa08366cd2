/**
 * The harness's side of the Wavry data plane wire formats (src/wire/wavry.ts): relay packets (20-byte header,
 * LEASE_PRESENT, FORWARD, ACK/REJECT), drill's media payload, and reading the claims of a PASETO v4.public lease
 * (a client needs its role and relay id from them; verifying the signature is the relay's job).
 */
import {
  LEASE_REJECT_REASON,
  MEDIA_HEADER_BYTES,
  MEDIA_KIND,
  RELAY_HEADER_BYTES,
  RELAY_MAGIC,
  RELAY_PACKET_TYPE,
  RELAY_VERSION,
  type LeaseClaims,
  type LeaseRejectReason,
  type LeaseRole,
  type MediaKind,
  type MediaPacket,
} from '../../wire/wavry.ts';

const uuidBytes = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex');

export function relayPacket(type: number, sessionId: string, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(RELAY_HEADER_BYTES);
  header[0] = RELAY_MAGIC;
  header[1] = RELAY_VERSION;
  header[2] = type;
  uuidBytes(sessionId).copy(header, 4);
  return Buffer.concat([header, payload]);
}

export function leasePresent(sessionId: string, role: LeaseRole, token: string): Buffer {
  const tokenBytes = Buffer.from(token);
  const payload = Buffer.alloc(3 + tokenBytes.length);
  payload[0] = role === 'client' ? 0 : 1;
  payload.writeUInt16BE(tokenBytes.length, 1);
  tokenBytes.copy(payload, 3);
  return relayPacket(RELAY_PACKET_TYPE.LeasePresent, sessionId, payload);
}

export type RelayReply =
  | { type: 'ack' }
  | { type: 'reject'; reason: LeaseRejectReason | `code_${number}` }
  | { type: 'forward'; payload: Buffer }
  | { type: 'other' };

export function readRelayPacket(packet: Buffer): RelayReply {
  if (packet.length < RELAY_HEADER_BYTES || packet[0] !== RELAY_MAGIC || packet[1] !== RELAY_VERSION) return { type: 'other' };
  const payload = packet.subarray(RELAY_HEADER_BYTES);
  switch (packet[2]) {
    case RELAY_PACKET_TYPE.LeaseAck:
      return { type: 'ack' };
    case RELAY_PACKET_TYPE.LeaseReject: {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 0;
      const name = (Object.keys(LEASE_REJECT_REASON) as LeaseRejectReason[]).find((r) => LEASE_REJECT_REASON[r] === code);
      return { type: 'reject', reason: name ?? `code_${code}` };
    }
    case RELAY_PACKET_TYPE.Forward:
      return { type: 'forward', payload };
    default:
      return { type: 'other' };
  }
}

export function encodeMedia(packet: MediaPacket): Buffer {
  const out = Buffer.alloc(MEDIA_HEADER_BYTES + packet.paddingBytes);
  out.writeBigUInt64BE(BigInt(packet.sequence), 0);
  out[8] = MEDIA_KIND[packet.kind];
  out.writeDoubleBE(packet.sentAtMs, 9);
  return out;
}

export function decodeMedia(bytes: Buffer): MediaPacket | undefined {
  if (bytes.length < MEDIA_HEADER_BYTES) return undefined;
  const kind = (Object.keys(MEDIA_KIND) as MediaKind[]).find((name) => MEDIA_KIND[name] === bytes[8]);
  if (!kind) return undefined;
  return { sequence: Number(bytes.readBigUInt64BE(0)), kind, sentAtMs: bytes.readDoubleBE(9), paddingBytes: bytes.length - MEDIA_HEADER_BYTES };
}

/** Claims of a `v4.public.<base64url(message ‖ signature)>[.footer]` token, without verifying it. */
export function leaseClaims(token: string): LeaseClaims | undefined {
  const [version, purpose, body] = token.split('.');
  if (version !== 'v4' || purpose !== 'public' || !body) return undefined;
  const bytes = Buffer.from(body, 'base64url');
  try {
    return JSON.parse(bytes.subarray(0, bytes.length - 64).toString('utf8')) as LeaseClaims;
  } catch {
    return undefined;
  }
}
