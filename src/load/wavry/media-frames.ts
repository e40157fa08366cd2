/**
 * drill's media payload (`MediaPacket` in src/wire/wavry.ts), harness side: sequence u64 | kind u8 | sentAtMs f64 |
 * padding. The same bytes travel as a direct datagram, a relay FORWARD payload or a data-channel message.
 */
import { MEDIA_HEADER_BYTES, MEDIA_KIND, type MediaKind } from '../../wire/wavry.ts';

const KIND_BY_CODE = new Map(Object.entries(MEDIA_KIND).map(([name, code]) => [code as number, name as MediaKind]));
const TWO_TO_32 = 2 ** 32;

export interface DecodedMedia {
  sequence: number;
  kind: MediaKind;
  /** The sender's clock when it sent the original, ms (echoed unchanged). */
  sentAtMs: number;
}

export function encodeMedia(sequence: number, kind: MediaKind, sentAtMs: number, paddingBytes = 0): Buffer {
  const out = Buffer.alloc(MEDIA_HEADER_BYTES + paddingBytes);
  out.writeUInt32BE(Math.floor(sequence / TWO_TO_32), 0);
  out.writeUInt32BE(sequence % TWO_TO_32, 4);
  out[8] = MEDIA_KIND[kind];
  out.writeDoubleBE(sentAtMs, 9);
  return out;
}

export function decodeMedia(bytes: Buffer): DecodedMedia | undefined {
  if (bytes.length < MEDIA_HEADER_BYTES) return undefined;
  const kind = KIND_BY_CODE.get(bytes[8]!);
  if (!kind) return undefined;
  return { sequence: bytes.readUInt32BE(0) * TWO_TO_32 + bytes.readUInt32BE(4), kind, sentAtMs: bytes.readDoubleBE(9) };
}

/** Per-path packet sequence, from 1: the relay's replay window wants it increasing. */
export class SequenceCounter {
  private last = 0;

  next(): number {
    this.last += 1;
    return this.last;
  }
}
