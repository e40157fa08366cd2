/** Asks the OS for a free loopback port (TCP or UDP). The port is released before it is returned. */
import dgram from 'node:dgram';
import net from 'node:net';

export function freePort(protocol: 'tcp' | 'udp' = 'tcp', host = '127.0.0.1'): Promise<number> {
  if (protocol === 'udp') {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket('udp4');
      socket.once('error', reject);
      socket.bind(0, host, () => {
        const { port } = socket.address();
        socket.close(() => resolve(port));
      });
    });
  }
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address() as net.AddressInfo;
      server.close(() => resolve(address.port));
    });
  });
}
