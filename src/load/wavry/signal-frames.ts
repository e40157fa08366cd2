/**
 * Signaling frames on the gateway `/ws`, harness side. Clients write the gateway's own dialect (adjacently tagged,
 * `{"type":"Bind","payload":{"token":…}}`), which every gateway release accepts, and read either dialect back.
 */
import type { FlatSignal, SignalDialect } from '../../wire/wavry.ts';

const FLAT_TO_ADJACENT: Partial<Record<FlatSignal['type'], string>> = {
  BIND: 'Bind',
  BOUND: 'Bound',
  OFFER: 'Offer',
  ANSWER: 'Answer',
  CANDIDATE: 'Candidate',
  ERROR: 'Error',
};
const ADJACENT_TO_FLAT = new Map(Object.entries(FLAT_TO_ADJACENT).map(([flat, adjacent]) => [adjacent!, flat as FlatSignal['type']]));

/** String fields each message type must carry. */
const REQUIRED: Record<FlatSignal['type'], readonly string[]> = {
  BIND: ['token'],
  BOUND: [],
  OFFER_RIFT: ['target_username', 'hello_base64'],
  ANSWER_RIFT: ['target_username', 'ack_base64'],
  OFFER: ['target_username', 'sdp'],
  ANSWER: ['target_username', 'sdp'],
  CANDIDATE: ['target_username', 'candidate'],
  REQUEST_RELAY: ['target_username'],
  RELAY_CREDENTIALS: ['token', 'addr', 'session_id'],
  ERROR: ['message'],
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function encodeSignalFrame(message: FlatSignal, dialect: SignalDialect = 'adjacent'): string {
  if (dialect === 'flat') return JSON.stringify(message);
  const { type, ...fields } = message;
  const name = FLAT_TO_ADJACENT[type] ?? type;
  return JSON.stringify(Object.keys(fields).length === 0 ? { type: name } : { type: name, payload: fields });
}

/** The message in a text frame of either dialect, or undefined when it is not one this harness knows. */
export function decodeSignalFrame(raw: string): FlatSignal | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!isRecord(frame) || typeof frame['type'] !== 'string') return undefined;
  const adjacentType = ADJACENT_TO_FLAT.get(frame['type']);
  const fields = adjacentType || isRecord(frame['payload']) ? { ...(isRecord(frame['payload']) ? frame['payload'] : {}) } : { ...frame };
  const type = adjacentType ?? (frame['type'] as FlatSignal['type']);
  const required = REQUIRED[type];
  if (!required || required.some((field) => typeof fields[field] !== 'string')) return undefined;
  return { ...fields, type } as FlatSignal;
}
