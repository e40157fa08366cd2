/**
 * A test's guard on the network rule: every socket connect and datagram send goes through a spy that lets
 * loopback through and records (never performs) anything else, so a test can prove no packet left loopback.
 * Call `guardSockets()` in `beforeAll` and `vi.restoreAllMocks()` after.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { vi } from 'vitest';
import { isLoopbackHost } from '../../src/common/loopback.ts';

/** Hosts a socket connect or a datagram send was asked for outside loopback (none was performed). */
export const offBox: string[] = [];
const realConnect = net.Socket.prototype.connect;
const realSend = dgram.Socket.prototype.send;

function hostOfConnect(args: unknown[]): string {
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'object' && first !== null) return String((first as { host?: string; path?: string }).host ?? (first as { path?: string }).path ?? 'localhost');
  return typeof args[1] === 'string' ? args[1] : 'localhost';
}

export function guardSockets(): void {
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    const host = hostOfConnect(args);
    if (host.startsWith('/') || isLoopbackHost(host)) return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args);
    offBox.push(host);
    process.nextTick(() => this.destroy(Object.assign(new Error(`connect to ${host} blocked by the test`), { code: 'ECONNREFUSED' })));
    return this;
  });
  vi.spyOn(dgram.Socket.prototype, 'send').mockImplementation(function (this: dgram.Socket, ...args: unknown[]) {
    // send(message, [offset, length,] port, [address], [callback]): the address is a string after the message.
    const host = args.slice(1).find((a): a is string => typeof a === 'string') ?? '127.0.0.1';
    if (isLoopbackHost(host)) return (realSend as (...a: unknown[]) => void).apply(this, args);
    offBox.push(host);
  });
}

