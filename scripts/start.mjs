#!/usr/bin/env node
// Runs the whole system on a developer machine, from a fresh clone:
//   node scripts/start.mjs             install deps if needed, build if stale, start Kafka (unless
//                                      KAFKA_BROKERS is set) and, beside it, the Zipkin trace viewer
//                                      (unless an exporter is configured through OTEL_*), run the eight
//                                      services and the gateway in front of them with prefixed logs,
//                                      restart a crashed one, print the URLs once all are ready.
//   node scripts/start.mjs --replicas payments=2,ledger=2
//                                      the same with several instances of some services, each on its
//                                      own port (base + 100·i) in the same consumer group, all behind
//                                      the gateway (REPLICAS=payments=2 does the same).
//   node scripts/start.mjs <service>   one service alone in the foreground (no Kafka, no Zipkin).
// Ctrl-C / SIGTERM stops the services, then the Kafka broker and Zipkin if this run started them.
// Needs PostgreSQL at DATABASE_URL and Redis at REDIS_URL, and says so when either is not reachable.
// Environment: everything is passed on to the services (FRAUD_*, DATABASE_URL, REDIS_URL, <SERVICE>_PORT, ...);
// KAFKA_BROKERS = use that cluster instead of a local broker; KAFKA_PORT = port of the local broker
// (9092); ZIPKIN_PORT = port of the local Zipkin (9411); OTEL_TRACES_EXPORTER,
// OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, OTEL_EXPORTER_ZIPKIN_ENDPOINT or OTEL_SDK_DISABLED=true = traces
// go where those say (no local Zipkin). Logs: the services always write JSON lines; on a terminal
// this script shows each as one readable line (lib/log-format.mjs), unless LOG_FORMAT=json; piped
// or redirected, the JSON lines pass as they are.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIsStale, ensureDeps, REPO_ROOT } from './ensure-deps.mjs';
import { formatLogLine, logOutput } from './lib/log-format.mjs';
import { FormattedLogOutput, pipeFormatted } from './lib/log-output.mjs';
import { SERVICES, entryOf, instancesOf, parseReplicas, say, tcpReachable, upstreamsOf, waitUntilReady } from './lib/services.mjs';
import { Stopper } from './lib/stopper.mjs';

const RESTART_TRIES = 8; // with exponential backoff (1 s, 2 s, ... 128 s): about 4 minutes of retries
const EX_CONFIG = 78; // what runService exits with on an invalid environment

/**
 * Runs a command; resolves to its exit code. `track` receives the child (to kill it). Its output
 * is inherited, or with `format` piped through it line by line.
 */
function run(cmd, args, { env = process.env, track = () => {}, format } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: format ? ['inherit', 'pipe', 'pipe'] : 'inherit' });
    track(child);
    if (format) {
      pipeFormatted(child.stdout, process.stdout, format);
      pipeFormatted(child.stderr, process.stderr, format);
    }
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? signal));
  });
}

function npm(args, options) {
  const cli = process.env.npm_execpath;
  return cli && /npm-cli\.js$/.test(cli) ? run(process.execPath, [cli, ...args], options) : run('npm', args, options);
}

// ---------------------------------------------------------------------------------------------

/** `[<service>] [--replicas payments=2,...]`; the replicas default to REPLICAS. */
function parseArgs(argv) {
  const rest = [];
  let replicas = process.env.REPLICAS;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--replicas') replicas = argv[++i];
    else if (argv[i].startsWith('--replicas=')) replicas = argv[i].slice('--replicas='.length);
    else if (argv[i].startsWith('-'))
      throw new Error(`unknown option ${argv[i]}; usage: npm start [-- <service>] [-- --replicas payments=2,ledger=2]`);
    else rest.push(argv[i]);
  }
  return { only: rest[0], replicas: parseReplicas(replicas) };
}

async function main(argv, stopper) {
  const { only, replicas } = parseArgs(argv);
  if (only && !SERVICES.some((s) => s.name === only)) {
    throw new Error(`unknown service "${only}"; one of: ${SERVICES.map((s) => s.name).join(', ')}`);
  }
  const output = logOutput({ isTTY: process.stdout.isTTY, logFormat: process.env.LOG_FORMAT });
  ensureDeps();
  if (buildIsStale()) {
    say('sources changed since the last build: npm run build');
    const code = await npm(['run', 'build'], { track: (child) => stopper.track(child) });
    if (stopper.stopping) return stopper.finish();
    if (code !== 0) throw new Error(`build failed (${code})`);
  }
  // a service whose source is not there (yet) is left out rather than failing the whole run
  const services = SERVICES.filter((s) => !only || s.name === only).filter((s) => {
    const source = join('apps', s.name, 'src', 'main.ts');
    if (existsSync(join(REPO_ROOT, source)) && existsSync(join(REPO_ROOT, entryOf(s)))) return true;
    say(`skipping ${s.name}: no ${existsSync(join(REPO_ROOT, source)) ? entryOf(s) : source}`);
    return false;
  });
  if (services.length === 0) throw new Error('no service to start');
  return only ? runOne(services[0], stopper, output) : runAll(instancesOf(services, replicas), stopper, output);
}

/** How this run shows a log line at a terminal (the prefix of runAll already names the service). */
const formatter = (options) => (line) => formatLogLine(line, { color: !process.env.NO_COLOR, ...options });

/** `npm run start:<service>`: the service in the foreground, signals passed on, its exit code ours. */
async function runOne(service, stopper, output) {
  const env = { ...process.env, LOG_FORMAT: 'json' };
  const format = output === 'pretty' ? formatter() : undefined;
  const code = await run(process.execPath, [entryOf(service)], { env, format, track: (child) => stopper.track(child) });
  return typeof code === 'number' ? code : stopper.stopping ? 0 : 1;
}

async function runAll(services, stopper, output) {
  const busy = [];
  for (const s of services) if (await tcpReachable(s.port)) busy.push(`${s.name} (${s.port})`);
  if (busy.length) throw new Error(`ports already in use: ${busy.join(', ')} — is the system already running?`);
  const db = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/payments');
  if (db.hostname && !(await tcpReachable(Number(db.port || 5432), db.hostname))) {
    throw new Error(`PostgreSQL is not reachable at ${db.hostname}:${db.port || 5432}: start it, or set DATABASE_URL`);
  }
  const redis = new URL(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
  if (!(await tcpReachable(Number(redis.port || 6379), redis.hostname.replace(/^\[|\]$/g, '')))) {
    throw new Error(
      `Redis is not reachable at ${redis.hostname}:${redis.port || 6379}: the services count their request limits there. ` +
        'Start it (e.g. redis-server, or apt-get install redis-server), or set REDIS_URL',
    );
  }

  // in parallel: both are JVMs that take seconds to start
  const [brokers, traceEnv] = await Promise.all([stopper.startKafka(), stopper.startZipkin()]);
  if (stopper.stopping) return stopper.finish();

  const { createConcurrently, Logger, LogError, LogOutput, LogExit, RestartProcess } = await import('concurrently');
  const { map, share } = await import('rxjs');
  const logger = new Logger({ prefixFormat: 'name' });
  logger.prefixLength = Math.max(...services.map((s) => s.name.length));
  // Behind the gateway on this machine: the services take the client's address from its X-Forwarded-For.
  const env = { LOG_FORMAT: 'json', KAFKA_BROKERS: brokers, TRUST_PROXY: 'loopback', ...traceEnv, ...upstreamsOf(services) };
  const { commands, result } = createConcurrently(
    services.map((s) => ({
      name: s.name,
      prefixColor: s.color,
      env: { ...env, [`${s.service.toUpperCase()}_PORT`]: String(s.port) },
      command: `exec "${process.execPath}" ${entryOf(s)}`,
    })),
    {
      logger,
      outputStream: process.stdout,
      cwd: REPO_ROOT,
      controllers: [
        new LogError({ logger }),
        output === 'pretty' ? new FormattedLogOutput({ logger, format: formatter({ service: false }) }) : new LogOutput({ logger }),
        new LogExit({ logger }),
        // shared: the restart controller subscribes several times, the policy must run once per exit
        { handle: (cmds) => ({ commands: cmds.map((c) => withClose(c, c.close.pipe(map(exitPolicy(c, stopper)), share()))) }) },
        // a crashed service is restarted after 1 s, 2 s, 4 s, ... (like a container restart policy)
        new RestartProcess({ logger, delay: 'exponential', tries: RESTART_TRIES }),
      ],
    },
  );
  stopper.commands = commands;
  for (const command of commands) {
    command.stateChange.subscribe((state) => {
      if (state === 'started' && stopper.stopping) command.kill('SIGTERM');
    });
    command.close.subscribe(({ exitCode }) => {
      if (stopper.stopping || exitCode === 0) return;
      stopper.down.add(command.name);
      say(`${command.name} kept crashing: gave up after ${RESTART_TRIES} restarts (the others keep running)`);
    });
  }
  result
    .catch(() => {})
    .then(() => {
      if (!stopper.stopping) stopper.stop('all services exited');
    });

  await waitUntilReady(services, stopper);
  return stopper.done;
}

/**
 * Which exits the restart policy must not see as crashes: the ones we caused while stopping, and a
 * configuration error (exit 78, EX_CONFIG), which no restart can fix.
 */
const exitPolicy = (command, stopper) => (event) => {
  if (stopper.stopping) return { ...event, exitCode: 0 };
  if (event.exitCode !== EX_CONFIG) return event;
  stopper.down.add(command.name);
  say(`${command.name} has an invalid configuration (see above): not restarting it; fix the environment and start again`);
  return { ...event, exitCode: 0 };
};

/** The command with another close stream: the way concurrently's own flow controllers wrap commands. */
function withClose(command, close) {
  return new Proxy(command, { get: (target, prop) => (prop === 'close' ? close : target[prop]) });
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const stopper = new Stopper();
  main(process.argv.slice(2), stopper).then(
    (code) => process.exit(code),
    async (error) => {
      console.error(`[start] ${error.message}`);
      if (stopper.stopping) await stopper.done;
      else await stopper.stop('failed'); // whatever was started so far (e.g. Kafka, Zipkin) goes too
      process.exit(1);
    },
  );
}
