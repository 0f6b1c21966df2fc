// The services as `npm start` runs them: names, ports, entry points, and waiting until they
// are ready.

import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const SERVICES = [
  { name: 'payments', port: 3000, color: 'blue' },
  { name: 'fraud', port: 3001, color: 'magenta' },
  { name: 'notifications', port: 3002, color: 'green' },
  { name: 'inventory', port: 3003, color: 'yellow' },
  { name: 'analytics', port: 3004, color: 'cyan' },
  { name: 'users', port: 3005, color: 'white' },
  { name: 'ledger', port: 3006, color: 'blueBright' },
  { name: 'disputes', port: 3007, color: 'magentaBright' },
  // The one entry point (no database, no Kafka): it takes each service into rotation once that is ready.
  { name: 'gateway', port: 8080, color: 'gray' },
];

export const say = (message) => console.log(`[start] ${message}`);
export const portOf = ({ name, port }) => Number(process.env[`${name.toUpperCase()}_PORT`] || port);
export const entryOf = ({ name }) => join('dist', 'apps', name, 'src', 'main.js');

export function tcpReachable(port, host = '127.0.0.1', timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function isReady(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

/** Waits until each service is ready or down for good (`stopper.down`), then prints their URLs. */
export async function waitUntilReady(services, stopper) {
  const pending = new Set(services);
  const started = Date.now();
  let warned = false;
  while (pending.size && !stopper.stopping) {
    for (const s of [...pending]) if (stopper.down.has(s.name) || (await isReady(portOf(s)))) pending.delete(s);
    if (!pending.size) break;
    if (!warned && Date.now() - started > 90_000) {
      warned = true;
      say(`still waiting for ${[...pending].map((s) => s.name).join(', ')} to be ready (see their logs above)`);
    }
    await sleep(500);
  }
  if (stopper.stopping) return;
  const up = services.filter((s) => !stopper.down.has(s.name));
  const width = Math.max(...services.map((s) => s.name.length));
  say(`${up.length === services.length ? 'all ' : ''}${up.length} services are ready (${((Date.now() - started) / 1000).toFixed(1)} s):`);
  for (const s of up) {
    const base = `http://127.0.0.1:${portOf(s)}`;
    console.log(`  ${s.name.padEnd(width)}  ${base}   docs ${base}/docs`);
  }
  if (stopper.viewerUrl) console.log(`  ${'traces'.padEnd(width)}  ${stopper.viewerUrl}   (Zipkin)`);
  if (up.length < services.length)
    say(
      `not running: ${services
        .filter((s) => stopper.down.has(s.name))
        .map((s) => s.name)
        .join(', ')}`,
    );
  say('Ctrl-C stops everything.');
}
