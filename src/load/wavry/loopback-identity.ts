/**
 * Simulated clients each get their own loopback source address (127.0.1.1 … 127.0.255.254), so the gateway's
 * per-IP limits (16 websockets, 10 binds a minute, 20 auth calls a minute) apply per client as they would to
 * real users, instead of throttling the whole load generator. Linux routes all of 127.0.0.0/8 to `lo`, so no
 * set-up is needed.
 */
const FIRST_BLOCK = 1;
const BLOCKS = 255;
const HOSTS_PER_BLOCK = 254;

export function clientAddress(index: number): string {
  const slot = index % (BLOCKS * HOSTS_PER_BLOCK);
  return `127.0.${FIRST_BLOCK + Math.floor(slot / HOSTS_PER_BLOCK)}.${1 + (slot % HOSTS_PER_BLOCK)}`;
}
