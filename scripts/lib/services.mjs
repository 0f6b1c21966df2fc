// The services as `npm start` runs them: names, ports, entry points, replicas, and waiting until
// they are ready.

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
  // The one entry point (no database, no Kafka): it proxies /v1/... to the instances of the service
  // that owns the route, taking each into rotation once it is ready.
  { name: 'gateway', port: 8080, color: 'gray' },
];

/** Replica i of a service listens on its port + REPLICA_PORT_STEP·i (payments: 3000, 3100, 3200, ...). */
export const REPLICA_PORT_STEP = 100;
const MAX_REPLICAS = 9;

export const say = (message) => console.log(`[start] ${message}`);
export const portOf = ({ name, port }) => Number(process.env[`${name.toUpperCase()}_PORT`] || port);
export const entryOf = ({ service, name }) => join('dist', 'apps', service ?? name, 'src', 'main.js');

/**
 * `payments=2,ledger=2` (from `--replicas` or REPLICAS): how many instances of each service to run.
 * Unnamed services run once. Throws with a message naming what is wrong.
 */
export function parseReplicas(text, services = SERVICES) {
  const counts = new Map();
  for (const part of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+)=(\d+)$/.exec(part);
    if (!match) throw new Error(`--replicas: expected service=count (e.g. payments=2), got "${part}"`);
    const [, name, count] = match;
    if (!services.some((s) => s.name === name)) {
      throw new Error(`--replicas: unknown service "${name}"; one of: ${services.map((s) => s.name).join(', ')}`);
    }
    if (Number(count) < 1 || Number(count) > MAX_REPLICAS)
      throw new Error(`--replicas: ${name} must run 1 to ${MAX_REPLICAS} times, not ${count}`);
    counts.set(name, Number(count));
  }
  return counts;
}

/**
 * The processes to run: each service once, or as many times as `replicas` says, each instance on
 * its own port (`payments`, `payments-2` on 3100, ...) and with the same consumer group, so that
 * Kafka shares the partitions among them.
 */
export function instancesOf(services, replicas = new Map()) {
  return services.flatMap((s) =>
    Array.from({ length: replicas.get(s.name) ?? 1 }, (_, i) => ({
      ...s,
      service: s.name,
      name: i === 0 ? s.name : `${s.name}-${i + 1}`,
      port: portOf(s) + REPLICA_PORT_STEP * i,
    })),
  );
}

/** The gateway's upstreams: `<SERVICE>_URLS` with the base URL of every instance of each service. */
export function upstreamsOf(instances) {
  const env = {};
  for (const i of instances.filter((i) => i.service !== 'gateway')) {
    const key = `${i.service.toUpperCase()}_URLS`;
    env[key] = [env[key], `http://127.0.0.1:${i.port}`].filter(Boolean).join(',');
  }
  return env;
}

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
    for (const s of [...pending]) if (stopper.down.has(s.name) || (await isReady(s.port))) pending.delete(s);
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
  say(`${up.length === services.length ? 'all ' : ''}${up.length} processes are ready (${((Date.now() - started) / 1000).toFixed(1)} s):`);
  for (const s of up) {
    const base = `http://127.0.0.1:${s.port}`;
    console.log(
      `  ${s.name.padEnd(width)}  ${base}   ${s.service === 'gateway' ? `the API: every /v1 route, one address; the operator console at ${base}/console/` : `docs ${base}/docs`}`,
    );
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
