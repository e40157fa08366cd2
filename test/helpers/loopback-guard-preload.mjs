// Preloaded into a drill child process by tests (NODE_OPTIONS=--import): any TCP connect to a host outside
// loopback is not performed; the socket fails with ECONNREFUSED and a line `loopback-guard: blocked connect to
// HOST` goes to stderr, so a test can prove that no packet left loopback, or that a lifted rule did try.
import net from 'node:net';

const loopback = (host) => host === 'localhost' || host.startsWith('127.') || host === '::1' || host.startsWith('/');
const realConnect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const host = String((typeof first === 'object' && first !== null ? (first.host ?? first.path) : args[1]) ?? 'localhost');
  if (loopback(host)) return realConnect.apply(this, args);
  process.stderr.write(`loopback-guard: blocked connect to ${host}\n`);
  process.nextTick(() => this.destroy(Object.assign(new Error(`connect to ${host} blocked`), { code: 'ECONNREFUSED' })));
  return this;
};
