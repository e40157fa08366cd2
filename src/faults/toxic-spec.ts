/**
 * Parses toxic create and update bodies the way Toxiproxy does: `stream` defaults to downstream, `toxicity` to 1,
 * `name` to `<type>_<stream>`; an update changes only `attributes` (merged) and `toxicity`.
 */
import { ApiError, showJson } from './api-error.ts';
import { checkNameLength } from './api-limits.ts';
import { defaultAttributes, mergeAttributes } from './toxic-attributes.ts';
import {
  isToxicType,
  supportsToxic,
  TCP_TOXIC_TYPES,
  UDP_TOXIC_TYPES,
  type ProxyProtocol,
  type ToxicJson,
  type ToxicStream,
} from './toxic-types.ts';

/** A validated toxic: the same fields as its JSON. */
export type ToxicSpec = ToxicJson;

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.badRequest(`expected a JSON object, got ${showJson(body)}`);
  }
  return body as Record<string, unknown>;
}

function parseToxicity(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw ApiError.badRequest(`\`toxicity\` must be a number from 0 to 1 (share of connections), got ${showJson(value)}`);
  }
  return value;
}

function unsupported(type: string, protocol: ProxyProtocol, proxyName: string): ApiError {
  const supported = (protocol === 'tcp' ? TCP_TOXIC_TYPES : UDP_TOXIC_TYPES).join(', ');
  const why =
    protocol === 'tcp'
      ? `a ${type} toxic applies to UDP proxies only (a drill extension)`
      : `a ${type} toxic applies to TCP proxies only`;
  return new ApiError(400, `${why}; proxy ${proxyName} is ${protocol.toUpperCase()}, whose toxic types are ${supported}`);
}

export function parseToxicCreate(body: unknown, protocol: ProxyProtocol, proxyName: string): ToxicSpec {
  const input = asObject(body);
  const stream = input['stream'] ?? 'downstream';
  if (stream !== 'upstream' && stream !== 'downstream') throw ApiError.invalidStream();
  const type = input['type'];
  if (input['name'] !== undefined && typeof input['name'] !== 'string') {
    throw ApiError.badRequest(`\`name\` must be a string, got ${showJson(input['name'])}`);
  }
  if (!isToxicType(type)) throw ApiError.invalidToxicType();
  if (!supportsToxic(protocol, type)) throw unsupported(type, protocol, proxyName);
  const name = (input['name'] as string | undefined) || `${type}_${stream}`;
  checkNameLength('toxic', name);
  return {
    name,
    type,
    stream: stream satisfies ToxicStream,
    toxicity: parseToxicity(input['toxicity'], 1),
    attributes: mergeAttributes(type, defaultAttributes(type), input['attributes']),
  };
}

export function parseToxicUpdate(existing: ToxicSpec, body: unknown): ToxicSpec {
  const input = asObject(body);
  return {
    ...existing,
    toxicity: parseToxicity(input['toxicity'], existing.toxicity),
    attributes: mergeAttributes(existing.type, existing.attributes, input['attributes']),
  };
}
