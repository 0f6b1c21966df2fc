// TCP ports on the loopback interface, where the local broker and Zipkin listen.

import net from 'node:net';

export const HOST = '127.0.0.1';

/** Returns a currently free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export function freePort() {
  return new Promise((resolvePromise, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolvePromise(port));
    });
  });
}

export function portIsFree(port) {
  return new Promise((resolvePromise) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolvePromise(false));
    srv.listen({ port, host: HOST, exclusive: true }, () => srv.close(() => resolvePromise(true)));
  });
}
