#!/usr/bin/env node
// Runs a real Zipkin server (the trace viewer of `npm start` and of the tracing e2e tests) natively
// from its official executable jar on Maven Central, with in-memory storage. No Docker, no npm
// dependencies (node: built-ins only). Needs Java 17+ and Maven (`mvn`) on the PATH, like Kafka.
//
// CLI:
//   node scripts/zipkin.mjs start  [--port 9411] [--data-dir DIR] [--timeout SECONDS] [--quiet]
//                                  [--stop-with PID] [--json]   (--port 0 = a free port; --stop-with:
//                                  stop Zipkin when process PID exits; --json: print the handle as JSON)
//   node scripts/zipkin.mjs stop   [--data-dir DIR]
//   node scripts/zipkin.mjs status [--data-dir DIR]
//   node scripts/zipkin.mjs run    [same options as start]  (foreground: stops Zipkin on SIGINT/SIGTERM)
//   node scripts/zipkin.mjs resolve                          (only download the jar)
//
// Programmatic (e.g. tests, a private Zipkin on a random port in a temp dir):
//   import { startZipkin } from '../scripts/zipkin.mjs';
//   const zipkin = await startZipkin({ port: 0, dataDir: tmpDir, quiet: true, stopWithParent: true });
// (Jest test files cannot import this ESM file: test/e2e/support/zipkin.ts runs the CLI instead.)
//   ... zipkin.url === 'http://127.0.0.1:<port>', zipkin.spansEndpoint, zipkin.uiUrl ...
//   await zipkin.stop();
//
// The jar: .cache/zipkin/<version>/zipkin.jar (version = <zipkin.version> in scripts/zipkin/pom.xml).
// A data dir holds no data (storage is in memory, gone when Zipkin stops), only:
//   <dataDir>/zipkin.pid   pid of the running server (also its process-group id)
//   <dataDir>/zipkin.log   its console output (rewritten on every start)

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  REPO_ROOT, acquireLock, freePort, javaBin, pidAlive, pidCommandLine, portIsFree, runCommand, selfIgnore, spawnWatchdog,
  stopPid, tailFile,
} from './kafka.mjs';

export { freePort }; // for callers that need a port for startZipkin

const SCRIPTS_DIR = dirname(fileURLToPath(import.meta.url));
const POM_FILE = join(SCRIPTS_DIR, 'zipkin', 'pom.xml');

/** Zipkin version, single source of truth = <zipkin.version> in scripts/zipkin/pom.xml. */
export const ZIPKIN_VERSION = readFileSync(POM_FILE, 'utf8').match(/<zipkin\.version>([^<]+)<\/zipkin\.version>/)[1].trim();
export const ZIPKIN_CACHE_DIR = join(REPO_ROOT, '.cache', 'zipkin', ZIPKIN_VERSION);
export const ZIPKIN_JAR = join(ZIPKIN_CACHE_DIR, 'zipkin.jar');
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.cache', 'zipkin-data');
export const DEFAULT_PORT = 9411;

const HOST = '127.0.0.1';
/** In-memory storage drops the oldest traces beyond this; sized for the small heap below. */
const MAX_SPANS = 50_000;
/** Marks our JVMs (and which data dir they belong to) on their command line. */
const MARKER_PROP = '-Dzipkin.mjs.dataDir=';

const makeLogger = (quiet) => (quiet ? () => {} : (...a) => console.error('[zipkin]', ...a));

/** The URLs of a Zipkin listening on `port`. */
export function zipkinUrls(port, host = HOST) {
  const url = `http://${host}:${port}`;
  return {
    url,
    uiUrl: `${url}/zipkin/`,
    spansEndpoint: `${url}/api/v2/spans`,
    traceUrlTemplate: `${url}/zipkin/traces/{traceId}`,
  };
}

// ---------------------------------------------------------------------------------------------
// the jar
// ---------------------------------------------------------------------------------------------

/**
 * Downloads (once) Zipkin's executable jar (io.zipkin:zipkin-server:<version>:exec, ~135 MB) with
 * Maven into .cache/zipkin/<version>/zipkin.jar. Safe to call concurrently. Returns the jar's path.
 */
export async function resolveZipkinJar({ quiet = false } = {}) {
  const log = makeLogger(quiet);
  const isResolved = () => {
    try {
      return statSync(ZIPKIN_JAR).size > 0;
    } catch {
      return false;
    }
  };
  if (isResolved()) return ZIPKIN_JAR;
  selfIgnore(dirname(ZIPKIN_CACHE_DIR));
  const release = await acquireLock(join(ZIPKIN_CACHE_DIR, '.resolve.lock'), { what: 'Zipkin jar resolution' });
  try {
    if (isResolved()) return ZIPKIN_JAR; // another process did it while we waited
    const tmpDir = join(ZIPKIN_CACHE_DIR, `tmp-${process.pid}`);
    rmSync(tmpDir, { recursive: true, force: true });
    log(`resolving Zipkin ${ZIPKIN_VERSION} with Maven into ${ZIPKIN_JAR} (one-time, ~135 MB) ...`);
    const started = Date.now();
    const mvnArgs = [
      '-q', '-B', '-f', POM_FILE, 'dependency:copy-dependencies', '-DexcludeTransitive=true', `-DoutputDirectory=${tmpDir}`,
    ];
    const { code, out } = await runCommand(process.platform === 'win32' ? 'mvn.cmd' : 'mvn', mvnArgs, { cwd: REPO_ROOT });
    const jar = existsSync(tmpDir) && readdirSync(tmpDir).find((f) => f === `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);
    if (code !== 0 || !jar) {
      rmSync(tmpDir, { recursive: true, force: true });
      throw new Error(`mvn ${mvnArgs.join(' ')} failed (exit ${code}):\n${out.trim()}`);
    }
    renameSync(join(tmpDir, jar), ZIPKIN_JAR); // atomic: a jar at ZIPKIN_JAR is always complete
    rmSync(tmpDir, { recursive: true, force: true });
    log(`resolved ${jar} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return ZIPKIN_JAR;
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------------------------
// probe
// ---------------------------------------------------------------------------------------------

/**
 * True if a Zipkin server answers on `port`: GET /health says UP with a "zipkin" component and
 * GET /api/v2/services answers 200 (the query API, i.e. what the viewer and the tests read).
 */
export async function probeZipkin(port, { host = HOST, timeoutMs = 2000 } = {}) {
  const base = `http://${host}:${port}`;
  try {
    const health = await fetch(`${base}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (health.status !== 200) return false;
    const body = await health.json();
    if (body?.status !== 'UP' || body?.zipkin?.status !== 'UP') return false;
    const services = await fetch(`${base}/api/v2/services`, { signal: AbortSignal.timeout(timeoutMs) });
    await services.arrayBuffer();
    return services.status === 200;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// start / stop / status
// ---------------------------------------------------------------------------------------------

function layout(dataDir) {
  const dir = resolve(dataDir ?? DEFAULT_DATA_DIR);
  return { dataDir: dir, pidFile: join(dir, 'zipkin.pid'), logFile: join(dir, 'zipkin.log') };
}

function readPid(l) {
  try {
    const pid = Number.parseInt(readFileSync(l.pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The port of our Zipkin `pid` of data dir `l`, read from its command line; undefined if it is not one. */
function ourZipkinPort(pid, l) {
  if (!pidAlive(pid)) return undefined;
  const cmd = pidCommandLine(pid);
  if (!cmd.includes(`${MARKER_PROP}${l.dataDir} `) && !cmd.endsWith(`${MARKER_PROP}${l.dataDir}`)) return undefined;
  const port = Number(cmd.match(/--armeria\.ports\[0\]\.port=(\d+)/)?.[1]);
  return Number.isInteger(port) ? port : undefined;
}

/** Resident memory of `pid` in MB (Linux /proc), undefined elsewhere. */
function rssMb(pid) {
  try {
    const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m)[1]);
    return Math.round(kb / 1024);
  } catch {
    return undefined;
  }
}

/**
 * The environment of the JVM: a clean one, so that variables meant for other tools (e.g.
 * KAFKA_BOOTSTRAP_SERVERS, RABBIT_URI, ES_HOSTS: Zipkin reads them all) cannot turn on collectors
 * or another storage. Only in-memory storage and the HTTP collector + query API + UI.
 */
function zipkinEnv(port, extra) {
  const env = {};
  for (const k of ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'JAVA_HOME']) if (process.env[k]) env[k] = process.env[k];
  return {
    ...env,
    STORAGE_TYPE: 'mem',
    MEM_MAX_SPANS: String(MAX_SPANS),
    QUERY_PORT: String(port),
    COLLECTOR_KAFKA_ENABLED: 'false',
    COLLECTOR_RABBITMQ_ENABLED: 'false',
    COLLECTOR_ACTIVEMQ_ENABLED: 'false',
    COLLECTOR_PULSAR_ENABLED: 'false',
    COLLECTOR_SCRIBE_ENABLED: 'false',
    COLLECTOR_GRPC_ENABLED: 'false',
    DISCOVERY_EUREKA_ENABLED: 'false',
    SELF_TRACING_ENABLED: 'false',
    ...extra,
  };
}

function zipkinArgs(jar, port, l, extraJvmArgs) {
  return [
    // small and quick to start: a dev/test viewer, not a production collector
    '-Xms32m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `${MARKER_PROP}${l.dataDir}`,
    ...extraJvmArgs,
    '-jar', jar,
    '--spring.main.banner-mode=off',
    // listen on the loopback interface only (Zipkin's default is every interface); overriding the
    // list entry replaces it whole, hence port and protocol too
    `--armeria.ports[0].ip=${HOST}`,
    `--armeria.ports[0].port=${port}`,
    '--armeria.ports[0].protocols[0]=http',
  ];
}

function makeHandle(l, pid, port, extra = {}) {
  return {
    ...zipkinUrls(port),
    port,
    pid,
    dataDir: l.dataDir,
    logFile: l.logFile,
    version: ZIPKIN_VERSION,
    ...extra,
    stop: async ({ timeoutMs = 20_000 } = {}) => {
      if (pid === undefined) return true; // not ours: nothing to stop
      const stopped = await stopPid(pid, { timeoutMs });
      if (stopped && readPid(l) === pid) rmSync(l.pidFile, { force: true });
      return stopped;
    },
  };
}

function failureDetails(l) {
  const tail = tailFile(l.logFile, 40);
  return tail ? `--- tail of ${l.logFile} ---\n${tail}` : '(no Zipkin log output)';
}

async function waitReady({ pid, port, l, deadline, timeoutMs }) {
  for (;;) {
    if (!pidAlive(pid)) throw new Error(`Zipkin (pid ${pid}) exited during startup.\n${failureDetails(l)}`);
    if (await probeZipkin(port)) return;
    if (Date.now() > deadline) {
      throw new Error(`Zipkin (pid ${pid}) not ready on ${HOST}:${port} after ${timeoutMs / 1000}s.\n${failureDetails(l)}`);
    }
    await sleep(200);
  }
}

/**
 * Starts Zipkin (detached, own process group, in-memory storage, 127.0.0.1 only) and waits until
 * it is ready (GET /health UP and GET /api/v2/services 200).
 *
 * @param {object}  [o]
 * @param {number}  [o.port=9411]        0 = a free port
 * @param {string}  [o.dataDir]           pid + log file; default .cache/zipkin-data (repo root)
 * @param {boolean} [o.quiet=false]       no progress messages on stderr
 * @param {number}  [o.timeoutMs=90000]   readiness timeout (the jar download, if any, is extra)
 * @param {string[]}[o.jvmArgs]           extra JVM arguments
 * @param {object}  [o.env]               extra environment variables for Zipkin (e.g. MEM_MAX_SPANS)
 * @param {boolean} [o.stopWithParent=false] also stop Zipkin when THIS node process dies, even by
 *   SIGKILL (the detached watchdog of scripts/kafka.mjs). Recommended for tests.
 * @param {number}  [o.parentPid=process.pid] the process stopWithParent watches
 * @returns {Promise<{url: string, uiUrl: string, spansEndpoint: string, traceUrlTemplate: string,
 *   port: number, pid?: number, dataDir: string, logFile: string, version: string,
 *   alreadyRunning?: boolean, external?: boolean, startupMs?: number, rssMb?: number,
 *   stop: (o?: {timeoutMs?: number}) => Promise<boolean>}>}
 *   If the Zipkin of this dataDir is already running, a handle to it (alreadyRunning: true). If
 *   some other Zipkin answers on the port, a handle to that one (alreadyRunning and external: true,
 *   no pid, stop() does nothing).
 */
export async function startZipkin({
  port = DEFAULT_PORT, dataDir, quiet = false, timeoutMs = 90_000, jvmArgs: extraJvmArgs = [], env = {},
  stopWithParent = false, parentPid = process.pid,
} = {}) {
  const started = Date.now();
  const log = makeLogger(quiet);
  const l = layout(dataDir);
  mkdirSync(l.dataDir, { recursive: true });
  selfIgnore(l.dataDir);

  const jar = await resolveZipkinJar({ quiet });
  const release = await acquireLock(join(l.dataDir, '.start.lock'), { timeoutMs: timeoutMs + 30_000, what: 'another start of this Zipkin' });
  try {
    const deadline = Date.now() + timeoutMs;
    const existing = readPid(l);
    if (existing !== undefined) {
      const runningPort = ourZipkinPort(existing, l);
      if (runningPort !== undefined) {
        await waitReady({ pid: existing, port: runningPort, l, deadline, timeoutMs });
        return makeHandle(l, existing, runningPort, { alreadyRunning: true, rssMb: rssMb(existing) });
      }
      rmSync(l.pidFile, { force: true }); // stale
    }
    if (port === 0) port = await freePort();
    if (await probeZipkin(port)) {
      log(`a Zipkin not started from ${l.dataDir} already answers on ${HOST}:${port}: using it`);
      return makeHandle(l, undefined, port, { alreadyRunning: true, external: true });
    }
    if (!(await portIsFree(port))) throw new Error(`cannot start Zipkin: port ${HOST}:${port} is already in use`);

    const outFd = openSync(l.logFile, 'w');
    let child;
    try {
      child = spawn(javaBin(), zipkinArgs(jar, port, l, extraJvmArgs), {
        cwd: l.dataDir, env: zipkinEnv(port, env), detached: true, stdio: ['ignore', outFd, outFd],
      });
    } finally {
      closeSync(outFd);
    }
    const spawnError = new Promise((_, reject) => child.once('error', reject));
    spawnError.catch(() => {});
    await Promise.race([new Promise((r) => child.once('spawn', r)), spawnError]).catch((err) => {
      throw new Error(`cannot launch java (${javaBin()}): ${err.message}. Java 17+ is required.`);
    });
    child.unref();
    const pid = child.pid;
    writeFileSync(l.pidFile, `${pid}\n`);
    if (stopWithParent) spawnWatchdog(parentPid, pid);
    log(`started Zipkin pid ${pid} on ${HOST}:${port}, waiting until ready ...`);

    const handle = makeHandle(l, pid, port);
    try {
      await waitReady({ pid, port, l, deadline, timeoutMs });
    } catch (err) {
      await handle.stop({ timeoutMs: 5_000 });
      throw err;
    }
    const startupMs = Date.now() - started;
    log(`Zipkin ${ZIPKIN_VERSION} ready at ${handle.uiUrl} in ${(startupMs / 1000).toFixed(1)}s`);
    return Object.assign(handle, { startupMs, rssMb: rssMb(pid) });
  } finally {
    release();
  }
}

/** Stops the Zipkin of `dataDir` (via its pid file): `{ stopped, pid?, wasRunning }`. */
export async function stopZipkin({ dataDir, timeoutMs = 20_000, quiet = false } = {}) {
  const log = makeLogger(quiet);
  const l = layout(dataDir);
  const pid = readPid(l);
  if (pid === undefined) return { stopped: true, wasRunning: false };
  const port = ourZipkinPort(pid, l);
  if (port === undefined) {
    rmSync(l.pidFile, { force: true });
    return { stopped: true, pid, wasRunning: false };
  }
  log(`stopping Zipkin pid ${pid} ...`);
  const stopped = await makeHandle(l, pid, port).stop({ timeoutMs });
  return { stopped, pid, wasRunning: true };
}

/** Status of the Zipkin of `dataDir`: `{ running, ready, pid?, port?, url?, uiUrl?, rssMb?, dataDir, logFile, version }`. */
export async function zipkinStatus({ dataDir } = {}) {
  const l = layout(dataDir);
  const base = { running: false, ready: false, dataDir: l.dataDir, logFile: l.logFile, version: ZIPKIN_VERSION };
  const pid = readPid(l);
  const port = pid === undefined ? undefined : ourZipkinPort(pid, l);
  if (port === undefined) return base;
  return { ...base, running: true, ready: await probeZipkin(port), pid, port, ...zipkinUrls(port), rssMb: rssMb(pid) };
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--port': case '-p': opts.port = Number(value()); break;
      case '--data-dir': opts.dataDir = value(); break;
      case '--timeout': opts.timeoutMs = Number(value()) * 1000; break;
      case '--quiet': case '-q': opts.quiet = true; break;
      case '--stop-with': opts.stopWithParent = true; opts.parentPid = Number(value()); break;
      case '--json': opts.json = true; break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (opts.port !== undefined && !Number.isInteger(opts.port)) throw new Error('--port must be a number');
  if (opts.stopWithParent && !(opts.parentPid > 0)) throw new Error('--stop-with needs a pid');
  return opts;
}

const describe = (z) => `${z.uiUrl} (pid ${z.pid ?? '?'}${z.rssMb ? `, RSS ${z.rssMb} MB` : ''}, logs ${z.logFile})`;

async function cli(argv) {
  const [cmd = 'help', ...rest] = argv;
  const { json, ...opts } = parseArgs(rest);
  switch (cmd) {
    case 'start': {
      const z = await startZipkin(opts);
      if (json) {
        const { stop, ...handle } = z;
        console.log(JSON.stringify(handle));
        return 0;
      }
      if (z.external) console.log(`a Zipkin already answers at ${z.uiUrl} (not started by this script): using it`);
      else if (z.alreadyRunning) console.log(`Zipkin ${ZIPKIN_VERSION} already running at ${describe(z)}`);
      else console.log(`Zipkin ${ZIPKIN_VERSION} running at ${describe(z)}, started in ${(z.startupMs / 1000).toFixed(1)}s`);
      return 0;
    }
    case 'stop': {
      const r = await stopZipkin(opts);
      if (!r.wasRunning) console.log('Zipkin is not running.');
      else console.log(r.stopped ? `Zipkin stopped (pid ${r.pid}).` : `Failed to stop Zipkin (pid ${r.pid}).`);
      return r.stopped ? 0 : 1;
    }
    case 'status': {
      const st = await zipkinStatus(opts);
      if (!st.running) {
        console.log(`Zipkin is not running (data dir ${st.dataDir}).`);
        return 1;
      }
      console.log(`Zipkin ${ZIPKIN_VERSION} ${st.ready ? 'running' : 'running but NOT answering'} at ${describe(st)}`);
      return st.ready ? 0 : 1;
    }
    case 'run': {
      const z = await startZipkin({ ...opts, stopWithParent: true });
      const owned = !z.alreadyRunning;
      console.log(owned
        ? `Zipkin ${ZIPKIN_VERSION} running at ${describe(z)}. Ctrl-C to stop.`
        : `Zipkin already running at ${z.uiUrl}; not owned by this process, will not stop it.`);
      return new Promise((resolveCode) => {
        let stopping = false;
        const watch = setInterval(() => {
          if (owned && !pidAlive(z.pid)) {
            clearInterval(watch);
            console.error(`Zipkin (pid ${z.pid}) exited unexpectedly.\n${failureDetails(layout(z.dataDir))}`);
            resolveCode(1);
          }
        }, 1000);
        const onSignal = async (sig) => {
          if (stopping) return;
          stopping = true;
          clearInterval(watch);
          if (!owned) return resolveCode(0);
          console.log(`${sig}: stopping Zipkin (pid ${z.pid}) ...`);
          const ok = await z.stop();
          console.log(ok ? 'Zipkin stopped.' : 'Zipkin did not stop.');
          resolveCode(ok ? 0 : 1);
        };
        for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, onSignal);
      });
    }
    case 'resolve':
      console.log(await resolveZipkinJar(opts));
      return 0;
    default:
      console.log(`usage: node scripts/zipkin.mjs <start|stop|status|run|resolve> [--port N] [--data-dir DIR] [--timeout SECONDS] [--quiet]
  start also: [--stop-with PID] [--json]; --port 0 = a free port
  Zipkin ${ZIPKIN_VERSION} (in-memory storage, 127.0.0.1 only), jar cached at ${ZIPKIN_JAR}
  default: port ${DEFAULT_PORT}, data dir ${DEFAULT_DATA_DIR}; UI at http://${HOST}:<port>/zipkin/`);
      return cmd === 'help' || cmd === '--help' || cmd === '-h' ? 0 : 2;
  }
}

function isMain() {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[zipkin] ${err.message}`);
      process.exit(1);
    },
  );
}
