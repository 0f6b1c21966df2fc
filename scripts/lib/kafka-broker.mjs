// Start, stop and status of a real single-node Apache Kafka 4.x broker (KRaft combined mode:
// broker + controller), run natively from the official Maven Central jars (see kafka-config.mjs).
//
// Programmatic (e.g. tests, a private broker on random ports in a temp dir):
//   import { startKafka } from '../scripts/lib/kafka-broker.mjs';
//   import { freePort } from '../scripts/lib/ports.mjs';
//   const kafka = await startKafka({ port: await freePort(), dataDir: tmpDir, quiet: true });
//   ... kafka.brokers === '127.0.0.1:<port>' ...
//   await kafka.stop();

import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selfIgnore } from './cache.mjs';
import { javaBin, launchJava } from './java.mjs';
import {
  DEFAULT_PORT,
  KAFKA_VERSION,
  jvmArgs,
  layout,
  listenerPorts,
  makeLogger,
  randomClusterId,
  resolveKafkaJars,
  serverProperties,
} from './kafka-config.mjs';
import { brokerAnswers } from './kafka-protocol.mjs';
import { fileContains, fileSize, logTails } from './log-files.mjs';
import { HOST, freePort, portIsFree } from './ports.mjs';
import { acquireLock, pidAlive, pidCommandLine, readPidFile, runCommand, stopByPidFile, stopPid, waitForReady } from './processes.mjs';

const READY_LOG_LINE = /Kafka Server started/;

/** True if `pid` is alive and is a kafka.Kafka broker (optionally: the one of `dataDir`). */
function isKafkaPid(pid, dataDir) {
  if (!pidAlive(pid)) return false;
  const cmd = pidCommandLine(pid);
  if (!cmd) return true; // cannot tell; assume yes
  if (!cmd.includes('kafka.Kafka')) return false;
  return dataDir ? cmd.includes(join(dataDir, 'server.properties')) : true;
}

/** The tails of the broker's logs, for an error message. */
export function failureDetails(l) {
  return logTails(
    [
      [l.serverLog, 40],
      [l.consoleLog, 30],
    ],
    '(no broker log output)',
  );
}

function waitReady({ pid, port, l, timeoutMs, started, logOffset = 0 }) {
  let sawLog = false;
  return waitForReady({
    pid,
    deadline: started + timeoutMs,
    ready: async () => {
      sawLog ||= fileContains(l.serverLog, READY_LOG_LINE, logOffset);
      return sawLog && (await brokerAnswers(port));
    },
    exited: () => new Error(`Kafka broker (pid ${pid}) exited during startup.\n${failureDetails(l)}`),
    notReady: () =>
      new Error(
        `Kafka broker (pid ${pid}) not ready on ${HOST}:${port} after ${timeoutMs / 1000}s ` +
          `(log line seen: ${sawLog}).\n${failureDetails(l)}`,
      ),
  });
}

/** Formats the storage once (static quorum => `format -t <clusterId> -c server.properties`). */
async function formatStorage(l, libsDir, log) {
  if (existsSync(join(l.kraftDir, 'meta.properties'))) return;
  const clusterId = randomClusterId();
  log(`formatting ${l.kraftDir} (cluster id ${clusterId})`);
  const { code, out } = await runCommand(
    javaBin(),
    [
      ...jvmArgs(libsDir, l.logDir, ['-Xmx256m', '-Xms32m', '-XX:TieredStopAtLevel=1']),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      l.propsFile,
    ].filter((a) => a !== '-Xmx512m' && a !== '-Xms256m'),
    { cwd: l.dataDir },
  );
  if (code !== 0) {
    rmSync(l.kraftDir, { recursive: true, force: true });
    throw new Error(`kafka-storage format failed (exit ${code}):\n${out.trim()}`);
  }
}

function makeHandle(l, pid, port, controllerPort, extra = {}) {
  return {
    brokers: `${HOST}:${port}`,
    port,
    controllerPort,
    pid,
    dataDir: l.dataDir,
    logDir: l.logDir,
    logFile: l.serverLog,
    version: KAFKA_VERSION,
    ...extra,
    stop: (opts) => stopPid(pid, { pidFile: l.pidFile, ...opts }),
  };
}

/**
 * Starts a single-node KRaft broker (detached, own process group) and waits until it is ready.
 *
 * @param {object}  [o]
 * @param {number}  [o.port=9092]         PLAINTEXT listener on 127.0.0.1
 * @param {number}  [o.controllerPort]    CONTROLLER listener; default: a free port
 * @param {string}  [o.dataDir]           default .cache/kafka-data (repo root)
 * @param {string}  [o.logDir]            default <dataDir>/logs
 * @param {boolean} [o.quiet=false]       no progress messages on stderr
 * @param {number}  [o.timeoutMs=60000]   readiness timeout
 * @param {object}  [o.extraProps]        extra/overriding server.properties entries
 * @param {string[]}[o.jvmArgs]           extra JVM arguments
 * @param {boolean} [o.stopWithParent=false] also stop the broker when THIS node process dies, even
 *   by SIGKILL (a tiny detached `sh` watchdog polls every second). Recommended for tests.
 * @returns {Promise<{brokers: string, port: number, controllerPort: number, pid: number,
 *   dataDir: string, logDir: string, logFile: string, version: string, alreadyRunning?: boolean,
 *   startupMs?: number, stop: (o?: {timeoutMs?: number}) => Promise<boolean>}>}
 *   If a broker of this dataDir is already running, returns a handle to it (alreadyRunning: true).
 */
export async function startKafka({
  port = DEFAULT_PORT,
  controllerPort,
  dataDir,
  logDir,
  quiet = false,
  timeoutMs = 60_000,
  extraProps = {},
  jvmArgs: extraJvmArgs = [],
  stopWithParent = false,
} = {}) {
  const started = Date.now();
  const log = makeLogger(quiet);
  const l = layout(dataDir, logDir);
  mkdirSync(l.dataDir, { recursive: true });
  mkdirSync(l.logDir, { recursive: true });
  selfIgnore(l.dataDir);

  const libsDir = await resolveKafkaJars({ quiet });

  // one start at a time per data dir
  const release = await acquireLock(join(l.dataDir, '.start.lock'), {
    timeoutMs: timeoutMs + 30_000,
    what: 'another start of this broker',
  });
  try {
    // already running for this data dir?
    const existing = readPidFile(l.pidFile);
    if (existing !== undefined) {
      if (isKafkaPid(existing, l.dataDir)) {
        const running = listenerPorts(l.propsFile);
        const runningPort = running.port ?? port;
        await waitReady({ pid: existing, port: runningPort, l, timeoutMs, started });
        return makeHandle(l, existing, runningPort, running.controllerPort, { alreadyRunning: true });
      }
      rmSync(l.pidFile, { force: true }); // stale
    }

    if (!(await portIsFree(port))) {
      throw new Error(`cannot start Kafka: port ${HOST}:${port} is already in use`);
    }
    if (controllerPort === undefined) {
      do controllerPort = await freePort();
      while (controllerPort === port);
    } else if (!(await portIsFree(controllerPort))) {
      throw new Error(`cannot start Kafka: controller port ${HOST}:${controllerPort} is already in use`);
    }

    writeFileSync(l.propsFile, serverProperties({ port, controllerPort, kraftDir: l.kraftDir, extraProps }));
    await formatStorage(l, libsDir, log);

    const logOffset = fileSize(l.serverLog); // only look for the ready line written by this run
    // console output (WARN+) to <logDir>/kafka.out
    const pid = await launchJava([...jvmArgs(libsDir, l.logDir, extraJvmArgs), 'kafka.Kafka', l.propsFile], {
      cwd: l.dataDir,
      logFile: l.consoleLog,
      append: true,
      pidFile: l.pidFile,
      watchParent: stopWithParent && process.pid,
    });
    log(`started broker pid ${pid} on ${HOST}:${port} (controller ${controllerPort}), waiting until ready ...`);

    try {
      await waitReady({ pid, port, l, timeoutMs, started, logOffset });
    } catch (err) {
      await stopPid(pid, { pidFile: l.pidFile, timeoutMs: 5_000 });
      throw err;
    }
    const startupMs = Date.now() - started;
    log(`Kafka ${KAFKA_VERSION} ready at ${HOST}:${port} in ${(startupMs / 1000).toFixed(1)}s`);
    return makeHandle(l, pid, port, controllerPort, { startupMs });
  } finally {
    release();
  }
}

/**
 * Stops the broker of `dataDir` (via its pid file). Resolves to
 * `{ stopped: boolean, pid?: number, wasRunning: boolean }`.
 */
export function stopKafka({ dataDir, timeoutMs = 20_000, quiet = false } = {}) {
  const log = makeLogger(quiet);
  const l = layout(dataDir);
  return stopByPidFile(l.pidFile, {
    isOurs: (pid) => isKafkaPid(pid, l.dataDir),
    onStop: (pid) => log(`stopping broker pid ${pid} ...`),
    timeoutMs,
  });
}

/**
 * Status of the broker of `dataDir`:
 * `{ running, ready, pid?, brokers?, port?, controllerPort?, dataDir, logFile }`.
 */
export async function kafkaStatus({ dataDir } = {}) {
  const l = layout(dataDir);
  const pid = readPidFile(l.pidFile);
  const base = { running: false, ready: false, dataDir: l.dataDir, logFile: l.serverLog, version: KAFKA_VERSION };
  if (pid === undefined || !isKafkaPid(pid, l.dataDir)) return base;
  const { port, controllerPort } = listenerPorts(l.propsFile);
  return {
    ...base,
    running: true,
    ready: await brokerAnswers(port),
    pid,
    port,
    controllerPort,
    brokers: `${HOST}:${port}`,
  };
}
