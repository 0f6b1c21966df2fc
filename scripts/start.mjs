#!/usr/bin/env node
// Runs the whole system on a developer machine, from a fresh clone:
//   node scripts/start.mjs             install deps if needed, build if stale, start Kafka (unless
//                                      KAFKA_BROKERS is set) and, beside it, the Zipkin trace viewer
//                                      (unless an exporter is configured through OTEL_*), run the five
//                                      services with prefixed logs, restart a crashed one, print the
//                                      URLs once all are ready.
//   node scripts/start.mjs <service>   one service alone in the foreground (no Kafka, no Zipkin).
// Ctrl-C / SIGTERM stops the services, then the Kafka broker and Zipkin if this run started them.
// Environment: everything is passed on to the services (FRAUD_*, DATABASE_URL, <SERVICE>_PORT, ...);
// KAFKA_BROKERS = use that cluster instead of a local broker; KAFKA_PORT = port of the local broker
// (9092); ZIPKIN_PORT = port of the local Zipkin (9411); OTEL_TRACES_EXPORTER,
// OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT, OTEL_EXPORTER_ZIPKIN_ENDPOINT or OTEL_SDK_DISABLED=true = traces
// go where those say (no local Zipkin); LOG_FORMAT = json | pretty (default: pretty on a terminal,
// json otherwise).

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { buildIsStale, ensureDeps, REPO_ROOT } from './ensure-deps.mjs';
import { startKafka } from './lib/kafka-broker.mjs';
import { DEFAULT_PORT as KAFKA_PORT } from './lib/kafka-config.mjs';
import { probeKafka } from './lib/kafka-protocol.mjs';
import { DEFAULT_PORT as ZIPKIN_PORT } from './lib/zipkin-config.mjs';
import { startZipkin } from './lib/zipkin-server.mjs';

export const SERVICES = [
  { name: 'payments', port: 3000, color: 'blue' },
  { name: 'fraud', port: 3001, color: 'magenta' },
  { name: 'notifications', port: 3002, color: 'green' },
  { name: 'inventory', port: 3003, color: 'yellow' },
  { name: 'analytics', port: 3004, color: 'cyan' },
];
const RESTART_TRIES = 8; // with exponential backoff (1 s, 2 s, ... 128 s): about 4 minutes of retries
const STOP_TIMEOUT_MS = 15_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const EX_CONFIG = 78; // what runService exits with on an invalid environment
/** Standard OpenTelemetry variables that choose where traces go: if one is set, no local Zipkin. */
const OTEL_EXPORTER_VARIABLES = [
  'OTEL_TRACES_EXPORTER', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_EXPORTER', 'OTEL_EXPORTER_ZIPKIN_ENDPOINT',
];

const say = (message) => console.log(`[start] ${message}`);
const portOf = ({ name, port }) => Number(process.env[`${name.toUpperCase()}_PORT`] || port);
const entryOf = ({ name }) => join('dist', 'apps', name, 'src', 'main.js');

/** Runs a command with inherited stdio; resolves to its exit code. `track` receives the child (to kill it). */
function run(cmd, args, { env = process.env, track = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: 'inherit' });
    track(child);
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? signal));
  });
}

function npm(args, options) {
  const cli = process.env.npm_execpath;
  return cli && /npm-cli\.js$/.test(cli) ? run(process.execPath, [cli, ...args], options) : run('npm', args, options);
}

function tcpReachable(port, host = '127.0.0.1', timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => { socket.destroy(); resolve(ok); };
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

/** Pretty logs for a human at a terminal, JSON lines otherwise (an explicit LOG_FORMAT wins). */
const logFormat = () => process.env.LOG_FORMAT || (process.stdout.isTTY ? 'pretty' : 'json');

// ---------------------------------------------------------------------------------------------

async function main(argv, stopper) {
  const only = argv[0];
  if (only && !SERVICES.some((s) => s.name === only)) {
    throw new Error(`unknown service "${only}"; one of: ${SERVICES.map((s) => s.name).join(', ')}`);
  }
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
  return only ? runOne(services[0], stopper) : runAll(services, stopper);
}

/** `npm run start:<service>`: the service in the foreground, signals passed on, its exit code ours. */
async function runOne(service, stopper) {
  const env = { ...process.env, LOG_FORMAT: logFormat() };
  const code = await run(process.execPath, [entryOf(service)], { env, track: (child) => stopper.track(child) });
  return typeof code === 'number' ? code : stopper.stopping ? 0 : 1;
}

async function runAll(services, stopper) {
  const busy = [];
  for (const s of services) if (await tcpReachable(portOf(s))) busy.push(`${s.name} (${portOf(s)})`);
  if (busy.length) throw new Error(`ports already in use: ${busy.join(', ')} — is the system already running?`);
  const db = new URL(process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/payments');
  if (db.hostname && !(await tcpReachable(Number(db.port || 5432), db.hostname))) {
    throw new Error(`PostgreSQL is not reachable at ${db.hostname}:${db.port || 5432}: start it, or set DATABASE_URL`);
  }

  // in parallel: both are JVMs that take seconds to start
  const [brokers, traceEnv] = await Promise.all([stopper.startKafka(), stopper.startZipkin()]);
  if (stopper.stopping) return stopper.finish();

  const { createConcurrently, Logger, LogError, LogOutput, LogExit, RestartProcess } = await import('concurrently');
  const { map, share } = await import('rxjs');
  const logger = new Logger({ prefixFormat: 'name' });
  logger.prefixLength = Math.max(...services.map((s) => s.name.length));
  const env = { LOG_FORMAT: logFormat(), KAFKA_BROKERS: brokers, ...traceEnv };
  const { commands, result } = createConcurrently(
    services.map((s) => ({
      name: s.name, prefixColor: s.color, env, command: `exec "${process.execPath}" ${entryOf(s)}`,
    })),
    {
      logger,
      outputStream: process.stdout,
      cwd: REPO_ROOT,
      controllers: [
        new LogError({ logger }),
        new LogOutput({ logger }),
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
    command.stateChange.subscribe((state) => { if (state === 'started' && stopper.stopping) command.kill('SIGTERM'); });
    command.close.subscribe(({ exitCode }) => {
      if (stopper.stopping || exitCode === 0) return;
      stopper.down.add(command.name);
      say(`${command.name} kept crashing: gave up after ${RESTART_TRIES} restarts (the others keep running)`);
    });
  }
  result.catch(() => {}).then(() => { if (!stopper.stopping) stopper.stop('all services exited'); });

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

async function waitUntilReady(services, stopper) {
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
  if (up.length < services.length) say(`not running: ${services.filter((s) => stopper.down.has(s.name)).map((s) => s.name).join(', ')}`);
  say('Ctrl-C stops everything.');
}

/** Owns everything this run started, and stops it in order (services, then Kafka and Zipkin) exactly once. */
class Stopper {
  stopping = false;
  commands = [];
  down = new Set(); // services that will not come back (config error, or out of restarts)
  child = undefined;
  kafka = undefined; // promise of { brokers, stop? }
  zipkin = undefined; // promise of { env, stop? }
  viewerUrl = undefined; // the trace viewer's UI, once known
  done = new Promise((resolve) => { this.resolveDone = resolve; });

  constructor() {
    for (const signal of SIGNALS) process.on(signal, () => this.stop(signal));
  }

  track(child) {
    this.child = child;
  }

  startKafka() {
    this.kafka = (async () => {
      if (process.env.KAFKA_BROKERS) {
        say(`using Kafka at ${process.env.KAFKA_BROKERS} (KAFKA_BROKERS is set)`);
        return { brokers: process.env.KAFKA_BROKERS };
      }
      const port = Number(process.env.KAFKA_PORT || KAFKA_PORT);
      try {
        // stopWithParent: even if this runner is killed hard, the broker it started goes too
        const k = await startKafka({ port, stopWithParent: true });
        if (k.alreadyRunning) say(`Kafka already running at ${k.brokers} (pid ${k.pid}): using it, leaving it running`);
        return k.alreadyRunning ? { brokers: k.brokers } : { brokers: k.brokers, stop: () => k.stop() };
      } catch (error) {
        const other = await probeKafka(port).catch(() => undefined);
        if (!other) throw error;
        say(`a Kafka broker not started by this repo answers on 127.0.0.1:${port}: using it`);
        return { brokers: `127.0.0.1:${port}` };
      }
    })();
    return this.kafka.then((k) => k.brokers);
  }

  /**
   * Starts (or reuses) the local Zipkin unless traces are configured to go elsewhere. Resolves to
   * the variables for the services; never rejects: the system runs without a viewer if need be.
   */
  startZipkin() {
    this.zipkin = (async () => {
      const configured = OTEL_EXPORTER_VARIABLES.filter((name) => process.env[name]);
      if (process.env.OTEL_SDK_DISABLED === 'true') configured.push('OTEL_SDK_DISABLED=true');
      if (configured.length) {
        say(`not starting Zipkin: traces are configured through ${configured.join(', ')}`);
        return { env: {} };
      }
      const port = Number(process.env.ZIPKIN_PORT || ZIPKIN_PORT);
      try {
        const z = await startZipkin({ port, stopWithParent: true });
        if (z.alreadyRunning) say(`Zipkin already running at ${z.uiUrl}${z.pid ? ` (pid ${z.pid})` : ''}: using it, leaving it running`);
        this.viewerUrl = z.uiUrl;
        const env = {
          OTEL_EXPORTER_ZIPKIN_ENDPOINT: z.spansEndpoint,
          TRACE_VIEWER_URL: process.env.TRACE_VIEWER_URL || z.traceUrlTemplate,
        };
        return z.alreadyRunning ? { env } : { env, stop: () => z.stop() };
      } catch (error) {
        // tracing stays on (trace ids in logs and responses), only the export is off
        say(`could not start Zipkin (${error.message.split('\n')[0]}): running without a trace viewer`);
        return { env: { OTEL_TRACES_EXPORTER: 'none' } };
      }
    })();
    return this.zipkin.then((z) => z.env);
  }

  async stop(reason) {
    if (this.stopping) {
      say(`${reason} again: killing the services now`);
      for (const c of this.commands) if (c.state === 'started') c.kill('SIGKILL');
      return;
    }
    this.stopping = true;
    const started = Boolean(this.child || this.commands.length || this.kafka || this.zipkin);
    if (started) say(`${reason}: stopping ...`);
    this.child?.kill('SIGTERM');
    const running = () => this.commands.filter((c) => c.state === 'started');
    for (const c of running()) c.kill('SIGTERM');
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (running().length && Date.now() < deadline) await sleep(100);
    for (const c of running()) {
      say(`${c.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s: killing it`);
      c.kill('SIGKILL');
    }
    while (running().length) await sleep(100);
    const [kafkaOk, zipkinOk] = await Promise.all([
      (async () => {
        const kafka = await this.kafka?.catch(() => undefined);
        if (!kafka?.stop) return true;
        say('stopping the Kafka broker this run started ...');
        const stopped = await kafka.stop();
        say(stopped ? 'Kafka stopped.' : 'Kafka did not stop!');
        return stopped;
      })(),
      (async () => {
        const zipkin = await this.zipkin;
        if (!zipkin?.stop) return true;
        say('stopping the Zipkin this run started ...');
        const stopped = await zipkin.stop();
        say(stopped ? 'Zipkin stopped.' : 'Zipkin did not stop!');
        return stopped;
      })(),
    ]);
    const ok = kafkaOk && zipkinOk;
    if (started) say('stopped.');
    this.resolveDone(ok && SIGNALS.includes(reason) ? 0 : 1);
  }

  finish() {
    return this.done;
  }
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
