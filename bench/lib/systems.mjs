// The three systems under test, each as seven processes (one per service), started the same way:
//   ours   the project's build (a snapshot of dist/ taken when the run starts), default configuration;
//   naive  bench/naive (NestJS + Express + Nest's Kafka transport + TypeORM repositories), compiled;
//   raw    bench/raw (node:http + kafkajs batches + pg multi-row SQL);
// and beside each, an eighth process: the project's users service (from the same snapshot), whose
// tokens every service of the system verifies against its JWKS.

import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tailFile } from '../../scripts/lib/log-files.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { spawnWatchdog } from '../../scripts/lib/processes.mjs';
import { SERVICES, USERS } from './infra.mjs';

/** Every process of a system: its seven services and the users service. */
const PROCESSES = [...SERVICES, USERS];

/** Settings that would change a system's configuration are never inherited from the caller. */
const CONFIG_VARIABLE =
  /^(KAFKA_|DATABASE_|OTEL_|FRAUD_|PAYMENT_|LOG_|MESSAGE_|TRACE_|IDEMPOTENCY_|EXPIRY_|LEDGER_|DISPUTE_|FAILPOINT|HOST$|PORT$|.*_PORT$|BENCH_|AUTH_|RATE_LIMIT_|REDIS_|OPERATOR_|PASSWORD_|LOGIN_|CORS_)/;

export function inheritedEnv() {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !CONFIG_VARIABLE.test(name)));
}

function entryOf(system, service, paths) {
  if (service === USERS) return join(paths.dist, 'apps/users/src/main.js');
  switch (system) {
    case 'ours':
      return join(paths.dist, 'apps', service, 'src/main.js');
    case 'naive':
      return join(paths.naive, 'main.js');
    case 'raw':
      return join(paths.bench, 'raw', `${service}.mjs`);
    default:
      throw new Error(`unknown system ${system}`);
  }
}

/**
 * Starts the seven services of `system` and the users service with `env` on free loopback ports and
 * waits until every one answers GET /health/ready with 200. Every process trusts the tokens of
 * this users service (AUTH_ISSUER, AUTH_JWKS_URL). Returns their URLs, pids and a stop() that ends
 * them (SIGTERM, then SIGKILL after 15 s). A detached watchdog ends them too if this process dies.
 */
export async function startSystem({ system, label, env, paths, logDir, profileDir, log, processes = PROCESSES }) {
  const children = {};
  const urls = {};
  const logs = {};
  const ports = {};
  const stop = async () => {
    await Promise.all(Object.values(children).map((child) => stopChild(child)));
  };
  try {
    for (const service of processes) {
      ports[service] = await freePort();
      urls[service] = `http://127.0.0.1:${ports[service]}`;
    }
    // the tokens' `iss` is env's AUTH_ISSUER if given (the run's), else the users service's address
    const issuer = { AUTH_ISSUER: env.AUTH_ISSUER ?? urls[USERS], AUTH_JWKS_URL: `${urls[USERS]}/.well-known/jwks.json` };
    for (const service of processes) {
      const port = ports[service];
      logs[service] = join(logDir, `${label}-${service}.log`);
      const fd = openSync(logs[service], 'a');
      const preload = profileDir ? ['-r', join(paths.bench, 'lib/cpu-profile.cjs')] : [];
      try {
        children[service] = spawn(process.execPath, [...preload, entryOf(system, service, paths)], {
          cwd: paths.root,
          env: {
            ...inheritedEnv(),
            ...env,
            ...issuer,
            [`${service.toUpperCase()}_PORT`]: String(port),
            HOST: '127.0.0.1',
            BENCH_SERVICE: service,
            ...(profileDir ? { BENCH_PROFILE_DIR: profileDir, BENCH_PROFILE_NAME: `${label}-${service}` } : {}),
          },
          stdio: ['ignore', fd, fd],
          detached: true, // own process group: the watchdog and stop() end it with whatever it started
        });
      } finally {
        closeSync(fd);
      }
      spawnWatchdog(process.pid, children[service].pid);
    }
    await waitReady({ children, urls, logs, log, label, processes });
  } catch (error) {
    await stop();
    throw error;
  }
  const pids = Object.fromEntries(Object.entries(children).map(([service, child]) => [service, child.pid]));
  const exited = () =>
    Object.entries(children)
      .filter(([, c]) => c.exitCode !== null || c.signalCode !== null)
      .map(([s]) => s);
  return { urls, pids, logs, stop, exited };
}

async function waitReady({ children, urls, logs, log, label, processes }) {
  const deadline = Date.now() + 120_000;
  const ready = new Set();
  while (ready.size < processes.length) {
    for (const service of processes) {
      if (ready.has(service)) continue;
      const child = children[service];
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `${label} ${service} exited (${child.exitCode ?? child.signalCode}) while starting:\n${tailFile(logs[service], 30)}`,
        );
      }
      const response = await fetch(`${urls[service]}/health/ready`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
      await response?.arrayBuffer().catch(() => undefined);
      if (response?.status === 200) ready.add(service);
    }
    if (ready.size === processes.length) break;
    if (Date.now() > deadline) {
      const missing = processes.filter((s) => !ready.has(s));
      throw new Error(`${label}: not ready after 120 s: ${missing.join(', ')}\n${missing.map((s) => tailFile(logs[s], 15)).join('\n')}`);
    }
    await sleep(250);
  }
  log(`${label}: ${processes.length === PROCESSES.length ? 'seven services and users' : processes.join(', ')} ready`);
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        child.kill(sig);
      } catch {
        /* gone */
      }
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
