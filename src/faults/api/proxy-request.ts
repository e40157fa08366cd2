/** Parses proxy create, populate and update bodies (Toxiproxy's fields, plus drill's `protocol`). */
import { ApiError, showJson } from '../api-error.ts';
import { checkNameLength } from '../api-limits.ts';
import type { ProxyRequest } from '../proxy-collection.ts';

function asObject(body: unknown, where: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.badRequest(body === undefined ? 'EOF' : `${where} must be a JSON object, got ${showJson(body)}`);
  }
  return body as Record<string, unknown>;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw ApiError.badRequest(`\`${field}\` must be a string, got ${showJson(value)}`);
  return value;
}

function optionalBoolean(input: Record<string, unknown>, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw ApiError.badRequest(`\`${field}\` must be true or false, got ${showJson(value)}`);
  return value;
}

/** One proxy of POST /proxies or /populate; `position` (1-based) names the entry in populate errors. */
export function parseProxyRequest(body: unknown, position?: number): ProxyRequest {
  const at = position === undefined ? '' : ` at proxy ${position}`;
  const input = asObject(body, `proxy${at}`);
  const name = optionalString(input, 'name');
  if (!name) throw ApiError.missingField(`name${at}`);
  checkNameLength('proxy', name);
  const upstream = optionalString(input, 'upstream');
  if (!upstream) throw ApiError.missingField(`upstream${at}`);
  const protocol = input['protocol'] ?? 'tcp';
  if (protocol !== 'tcp' && protocol !== 'udp') {
    throw ApiError.badRequest(`\`protocol\`${at} must be "tcp" or "udp" (a drill extension), got ${showJson(protocol)}`);
  }
  return { name, upstream, protocol, listen: optionalString(input, 'listen') ?? '', enabled: optionalBoolean(input, 'enabled') ?? true };
}

export function parsePopulateRequest(body: unknown): ProxyRequest[] {
  if (!Array.isArray(body)) throw ApiError.badRequest(`/populate expects a JSON array of proxies, got ${showJson(body)}`);
  const requests = body.map((entry, index) => parseProxyRequest(entry, index + 1));
  const seen = new Set<string>();
  for (const request of requests) {
    if (seen.has(request.name)) throw ApiError.badRequest(`duplicate proxy name "${request.name}"`);
    seen.add(request.name);
  }
  return requests;
}

export interface ProxyUpdate {
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

/** PATCH/POST /proxies/{name}: every field optional; `protocol` cannot change (delete and create instead). */
export function parseProxyUpdate(body: unknown, protocol: string): ProxyUpdate {
  const input = asObject(body, 'proxy');
  if (input['protocol'] !== undefined && input['protocol'] !== protocol) {
    throw ApiError.badRequest(`\`protocol\` of an existing proxy cannot change (it is ${protocol}); delete the proxy and create it again`);
  }
  const update: ProxyUpdate = {};
  const listen = optionalString(input, 'listen');
  const upstream = optionalString(input, 'upstream');
  const enabled = optionalBoolean(input, 'enabled');
  if (listen !== undefined) update.listen = listen;
  if (upstream !== undefined) update.upstream = upstream;
  if (enabled !== undefined) update.enabled = enabled;
  return update;
}
