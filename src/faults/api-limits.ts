/**
 * Caps of the fault server, so a client that loops cannot exhaust it (each proxy holds a listening socket, and each
 * of its connections two more: the process runs out of file descriptors long before memory). Toxiproxy has none.
 */
import { ApiError } from './api-error.ts';

/** Proxies one server holds at a time. */
export const MAX_PROXIES = 1_000;
/** Toxics one proxy holds at a time (every stream of every connection runs each one). */
export const MAX_TOXICS_PER_PROXY = 64;
/** Longest proxy or toxic name, characters. */
export const MAX_NAME_CHARS = 255;

/** Throws a 400 when a proxy or toxic name is longer than MAX_NAME_CHARS. */
export function checkNameLength(kind: 'proxy' | 'toxic', name: string): void {
  if (name.length > MAX_NAME_CHARS) {
    throw ApiError.badRequest(`${kind} \`name\` must be at most ${MAX_NAME_CHARS} characters, got ${name.length}`);
  }
}

/** Throws a 400 when `count` more would take a collection past `max` (`what` names the collection). */
export function checkRoom(present: number, added: number, max: number, what: string): void {
  if (present + added > max) {
    throw ApiError.badRequest(`${what} holds at most ${max}; it has ${present} and this request adds ${added}: delete some first`);
  }
}
