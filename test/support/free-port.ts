import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Ports handed out below Linux's ephemeral range (32768–60999 by default): a port the kernel picks
 * for `listen(0)` is one it also gives outgoing connections, so in the seconds a service takes to
 * boot a Kafka or PostgreSQL client of the run could take it (EADDRINUSE). Here nothing takes it
 * but another listener, which `bindable` rules out, and this process never hands one out twice.
 */
const LOWEST = 20000;
const HIGHEST = 32767;
const handedOut = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A TCP port on the loopback interface that nothing listens on right now. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = randomInt(LOWEST, HIGHEST + 1);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await bindable(port)) return port;
  }
}
