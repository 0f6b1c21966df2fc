// Start, stop and status of a real Zipkin server (the trace viewer of `npm start` and of the tracing
// e2e tests), run natively from its official executable jar with in-memory storage (see
// zipkin-config.mjs).
//
// Programmatic (e.g. tests, a private Zipkin on a random port in a temp dir):
//   import { startZipkin } from '../scripts/lib/zipkin-server.mjs';
//   const zipkin = await startZipkin({ port: 0, dataDir: tmpDir, quiet: true, stopWithParent: true });
// (The TypeScript tests cannot import this ESM file: test/e2e/support/zipkin.ts runs the CLI instead.)
//   ... zipkin.url === 'http://127.0.0.1:<port>', zipkin.spansEndpoint, zipkin.uiUrl ...
//   await zipkin.stop();

import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { selfIgnore } from './cache.mjs';
import { launchJava } from './java.mjs';
import { logTails } from './log-files.mjs';
import { HOST, freePort, portIsFree } from './ports.mjs';
import { acquireLock, pidAlive, pidCommandLine, readPidFile, stopByPidFile, stopPid, waitForReady } from './processes.mjs';
import {
  DEFAULT_PORT,
  MARKER_PROP,
  ZIPKIN_VERSION,
  layout,
  makeLogger,
  resolveZipkinJar,
  zipkinArgs,
  zipkinEnv,
  zipkinUrls,
} from './zipkin-config.mjs';

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
      return stopPid(pid, { pidFile: l.pidFile, timeoutMs });
    },
  };
}

/** The tail of Zipkin's log, for an error message. */
export function failureDetails(l) {
  return logTails([[l.logFile, 40]], '(no Zipkin log output)');
}

function waitReady({ pid, port, l, deadline, timeoutMs }) {
  return waitForReady({
    pid,
    deadline,
    ready: () => probeZipkin(port),
    exited: () => new Error(`Zipkin (pid ${pid}) exited during startup.\n${failureDetails(l)}`),
    notReady: () => new Error(`Zipkin (pid ${pid}) not ready on ${HOST}:${port} after ${timeoutMs / 1000}s.\n${failureDetails(l)}`),
  });
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
 *   SIGKILL (the detached watchdog of lib/processes.mjs). Recommended for tests.
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
  port = DEFAULT_PORT,
  dataDir,
  quiet = false,
  timeoutMs = 90_000,
  jvmArgs: extraJvmArgs = [],
  env = {},
  stopWithParent = false,
  parentPid = process.pid,
} = {}) {
  const started = Date.now();
  const log = makeLogger(quiet);
  const l = layout(dataDir);
  mkdirSync(l.dataDir, { recursive: true });
  selfIgnore(l.dataDir);

  const jar = await resolveZipkinJar({ quiet });
  const release = await acquireLock(join(l.dataDir, '.start.lock'), {
    timeoutMs: timeoutMs + 30_000,
    what: 'another start of this Zipkin',
  });
  try {
    const deadline = Date.now() + timeoutMs;
    const existing = readPidFile(l.pidFile);
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

    const pid = await launchJava(zipkinArgs(jar, port, l, extraJvmArgs), {
      cwd: l.dataDir,
      env: zipkinEnv(port, env),
      logFile: l.logFile,
      pidFile: l.pidFile,
      watchParent: stopWithParent && parentPid,
    });
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
export function stopZipkin({ dataDir, timeoutMs = 20_000, quiet = false } = {}) {
  const log = makeLogger(quiet);
  const l = layout(dataDir);
  return stopByPidFile(l.pidFile, {
    isOurs: (pid) => ourZipkinPort(pid, l) !== undefined,
    onStop: (pid) => log(`stopping Zipkin pid ${pid} ...`),
    timeoutMs,
  });
}

/** Status of the Zipkin of `dataDir`: `{ running, ready, pid?, port?, url?, uiUrl?, rssMb?, dataDir, logFile, version }`. */
export async function zipkinStatus({ dataDir } = {}) {
  const l = layout(dataDir);
  const base = { running: false, ready: false, dataDir: l.dataDir, logFile: l.logFile, version: ZIPKIN_VERSION };
  const pid = readPidFile(l.pidFile);
  const port = pid === undefined ? undefined : ourZipkinPort(pid, l);
  if (port === undefined) return base;
  return { ...base, running: true, ready: await probeZipkin(port), pid, port, ...zipkinUrls(port), rssMb: rssMb(pid) };
}
