/**
 * Reads and parses a JSON request body, with limits on its size and nesting; an empty body is `undefined`.
 * Toxiproxy's bodies nest three levels (a populate array, a proxy, a toxic's attributes): a deeper one is a 400
 * before JSON.parse, whose recursion (and every later walk of the value) would otherwise exhaust the stack.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../api-error.ts';

/** Largest body read, bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Deepest nesting of arrays and objects accepted in a body. */
export const MAX_JSON_DEPTH = 32;

/** True when arrays and objects nest deeper than `limit` in `text` (brackets inside strings do not count). */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw ApiError.badRequest(`arrays and objects nest more than ${MAX_JSON_DEPTH} levels deep; Toxiproxy's bodies nest 3`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw ApiError.badRequest((error as Error).message);
  }
}
