/**
 * Loopback source addresses for simulated clients, so each looks like its own IP to the gateway's and relay's
 * per-IP limits (16 WS, 10 binds/min, 20 auth/min; 1000 pps at the relay) while those limits stay in force.
 * Linux routes all of 127.0.0.0/8 to `lo`, so binding any of these needs no configuration.
 *
 * Addresses run 127.0.1.1 … 127.0.255.254, skipping 127.0.2.0/24 (the control-plane relays' endpoints) and
 * host parts .0 and .255; after the last one the sequence starts again.
 */

/** Third octets used, in order (1..255 without 2). */
const THIRD_OCTETS = Array.from({ length: 255 }, (_, i) => i + 1).filter((octet) => octet !== 2);
/** Fourth octets per block: 1..254. */
const HOSTS_PER_BLOCK = 254;

/** How many distinct client addresses there are before they repeat. */
export const CLIENT_ADDRESS_COUNT = THIRD_OCTETS.length * HOSTS_PER_BLOCK;

/** The source address of the `index`-th simulated client (0-based; any non-negative integer). */
export function clientAddress(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`client index must be a non-negative integer, got ${index}`);
  const slot = index % CLIENT_ADDRESS_COUNT;
  const third = THIRD_OCTETS[Math.floor(slot / HOSTS_PER_BLOCK)]!;
  return `127.0.${third}.${(slot % HOSTS_PER_BLOCK) + 1}`;
}

/** Endpoint (`ip:port`) of the `index`-th control-plane relay: 127.0.2.101, .102, … (three-digit host parts, so
 * no address is a string prefix of another, which the master's Sybil check would count). */
export function controlPlaneRelayEndpoint(index: number, port = 4000): string {
  if (!Number.isInteger(index) || index < 0 || index > 98) throw new RangeError(`control-plane relay index must be 0..98, got ${index}`);
  return `127.0.2.${101 + index}:${port}`;
}
