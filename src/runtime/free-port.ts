/**
 * A free loopback port (TCP or UDP) for a service to bind, reserved for this process across every drill process
 * on the machine (see port-reservations.ts) until `releasePort` or the process's exit.
 */
import { type PortProtocol, portReservations } from './port-reservations.ts';

export function freePort(protocol: PortProtocol = 'tcp', host = '127.0.0.1'): Promise<number> {
  return portReservations().reserve(protocol, host);
}

export function releasePort(port: number): void {
  portReservations().release(port);
}
