#!/usr/bin/env node
// Runs a real single-node Apache Kafka 4.x broker (KRaft combined mode: broker + controller)
// natively from the official Maven Central jars. No Docker, no npm dependencies (node: built-ins
// only, because this runs before `npm install`). Needs Java 17+ and Maven (`mvn`) on the PATH.
//
// CLI:
//   node scripts/kafka.mjs start  [--port 9092] [--controller-port N] [--data-dir DIR]
//   node scripts/kafka.mjs stop   [--data-dir DIR]
//   node scripts/kafka.mjs status [--data-dir DIR]
//   node scripts/kafka.mjs run    [same options as start]  (foreground: stops the broker on SIGINT/SIGTERM)
//   node scripts/kafka.mjs resolve                          (only download the jars)
//
// Programmatic (e.g. tests, private broker on random ports in a temp dir):
//   import { startKafka, freePort } from '../scripts/kafka.mjs';
//   const kafka = await startKafka({ port: await freePort(), dataDir: tmpDir, quiet: true });
//   ... kafka.brokers === '127.0.0.1:<port>' ...
//   await kafka.stop();
//
// Layout of a data dir:
//   <dataDir>/server.properties   generated broker config (rewritten on every start)
//   <dataDir>/kafka.pid           pid of the running broker (also its process-group id)
//   <dataDir>/kraft/              log.dirs: metadata log + topic partitions
//   <dataDir>/logs/               default logDir: server.log (INFO), kafka.out (console, WARN+)
// (log.dirs is a sub-directory because Kafka refuses non topic-partition directories inside log.dirs.)

import { spawn, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, readSync, realpathSync, renameSync,
  rmSync, statSync, writeFileSync, fstatSync,
} from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const SCRIPTS_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = dirname(SCRIPTS_DIR);
const POM_FILE = join(SCRIPTS_DIR, 'kafka', 'pom.xml');
const LOG4J2_FILE = join(SCRIPTS_DIR, 'kafka', 'log4j2.yaml');

/** Kafka version, single source of truth = <kafka.version> in scripts/kafka/pom.xml. */
export const KAFKA_VERSION = readFileSync(POM_FILE, 'utf8').match(/<kafka\.version>([^<]+)<\/kafka\.version>/)[1].trim();
export const KAFKA_CACHE_DIR = join(REPO_ROOT, '.cache', 'kafka', KAFKA_VERSION);
export const KAFKA_LIBS_DIR = join(KAFKA_CACHE_DIR, 'libs');
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.cache', 'kafka-data');
export const DEFAULT_PORT = 9092;

const HOST = '127.0.0.1';
const NODE_ID = 1;
const MARKER = '.resolved.json'; // inside libs/ (the java `libs/*` classpath wildcard only picks *.jar)
const READY_LOG_LINE = /Kafka Server started/;

// ---------------------------------------------------------------------------------------------
// small helpers
// ---------------------------------------------------------------------------------------------

function makeLogger(quiet) {
  return quiet ? () => {} : (...a) => console.error('[kafka]', ...a);
}

export function javaBin() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

export function runCommand(cmd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    let out = '';
    let child;
    try {
      child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      reject(err);
      return;
    }
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', (err) => {
      if (err.code === 'ENOENT') err.message = `command not found: ${cmd} (${err.message})`;
      reject(err);
    });
    child.on('close', (code, signal) => resolvePromise({ code, signal, out }));
  });
}

/** True if `pid` exists and is not a zombie. */
export function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch { /* no /proc (macOS) or raced: fall through */ }
  return true;
}

/** True if `pid` is in the process table at all (zombies included). */
export function pidExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

export function pidCommandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      return execFileSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
    } catch {
      return '';
    }
  }
}

/** True if `pid` is alive and is a kafka.Kafka broker (optionally: the one of `dataDir`). */
function isKafkaPid(pid, dataDir) {
  if (!pidAlive(pid)) return false;
  const cmd = pidCommandLine(pid);
  if (!cmd) return true; // cannot tell; assume yes
  if (!cmd.includes('kafka.Kafka')) return false;
  return dataDir ? cmd.includes(join(dataDir, 'server.properties')) : true;
}

function readPid(dataDir) {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, 'kafka.pid'), 'utf8').trim(), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function readProps(file) {
  const props = {};
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = line.match(/^\s*([^#!\s][^=]*?)\s*=\s*(.*?)\s*$/);
      if (m) props[m[1]] = m[2];
    }
  } catch { /* missing */ }
  return props;
}

export function tailFile(file, maxLines = 40, maxBytes = 64 * 1024) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const len = Math.min(size, maxBytes);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return buf.toString('utf8').split('\n').slice(-maxLines - 1).join('\n').trimEnd();
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** True if `file` (from byte `from` on; from 0 if the file got shorter, i.e. rolled) matches. */
function fileContains(file, regex, from = 0) {
  let fd;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const start = size >= from ? from : 0;
    const buf = Buffer.alloc(Math.min(size - start, 8 * 1024 * 1024));
    readSync(fd, buf, 0, buf.length, start);
    return regex.test(buf.toString('utf8'));
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function fileSize(file) {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Simple cross-process lock: an exclusive `mkdir`. A lock whose owner pid is dead (or that is
 * older than `staleMs`) is broken. Returns a release function.
 */
export async function acquireLock(lockDir, { timeoutMs = 10 * 60_000, staleMs = 15 * 60_000, what = 'lock' } = {}) {
  const deadline = Date.now() + timeoutMs;
  mkdirSync(dirname(lockDir), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'owner'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
    }
    let stale = false;
    try {
      const owner = Number.parseInt(readFileSync(join(lockDir, 'owner'), 'utf8'), 10);
      stale = (Number.isInteger(owner) && !pidAlive(owner)) || Date.now() - statSync(lockDir).mtimeMs > staleMs;
    } catch {
      // owner file not written yet (or lock just released); treat as stale only if old
      try { stale = Date.now() - statSync(lockDir).mtimeMs > 10_000; } catch { /* gone */ }
    }
    if (stale) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${lockDir})`);
    await sleep(250);
  }
}

/** Makes a cache dir inside the repo ignore itself in git (like .pytest_cache does). */
export function selfIgnore(dir) {
  if (!resolve(dir).startsWith(REPO_ROOT + '/')) return;
  try {
    mkdirSync(dir, { recursive: true });
    if (!existsSync(join(dir, '.gitignore'))) writeFileSync(join(dir, '.gitignore'), '# created by scripts/kafka.mjs\n*\n');
  } catch { /* best effort */ }
}

/** Kafka-style random cluster id: 16 random bytes, base64url without padding, not starting with '-'. */
function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// ---------------------------------------------------------------------------------------------
// public helpers
// ---------------------------------------------------------------------------------------------

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

/**
 * Downloads (once) the Kafka broker jars + log4j2 backend into .cache/kafka/<version>/libs using
 * Maven. Safe to call concurrently from several processes. Returns the libs directory.
 */
export async function resolveKafkaJars({ quiet = false } = {}) {
  const log = makeLogger(quiet);
  selfIgnore(dirname(KAFKA_CACHE_DIR));
  // hash of the pom without comments/whitespace: editing comments must not trigger a re-download
  const pomHash = createHash('sha256')
    .update(readFileSync(POM_FILE, 'utf8').replace(/<!--[\s\S]*?-->/g, '').replace(/\s+/g, ''))
    .digest('hex');
  const isResolved = () => {
    try {
      return JSON.parse(readFileSync(join(KAFKA_LIBS_DIR, MARKER), 'utf8')).pomHash === pomHash;
    } catch {
      return false;
    }
  };
  if (isResolved()) return KAFKA_LIBS_DIR;

  const release = await acquireLock(join(KAFKA_CACHE_DIR, '.resolve.lock'), { what: 'Kafka jar resolution' });
  try {
    if (isResolved()) return KAFKA_LIBS_DIR; // another process did it while we waited
    const tmpDir = join(KAFKA_CACHE_DIR, `libs.tmp-${process.pid}`);
    rmSync(tmpDir, { recursive: true, force: true });
    log(`resolving Kafka ${KAFKA_VERSION} jars with Maven into ${KAFKA_LIBS_DIR} (one-time) ...`);
    const started = Date.now();
    const mvnArgs = [
      '-q', '-B', '-f', POM_FILE, 'dependency:copy-dependencies',
      '-DincludeScope=runtime', `-DoutputDirectory=${tmpDir}`,
    ];
    const { code, out } = await runCommand(process.platform === 'win32' ? 'mvn.cmd' : 'mvn', mvnArgs, { cwd: REPO_ROOT });
    const jars = existsSync(tmpDir) ? readdirSync(tmpDir).filter((f) => f.endsWith('.jar')) : [];
    if (code !== 0 || !jars.some((f) => f.startsWith(`kafka_2.13-${KAFKA_VERSION}`))) {
      rmSync(tmpDir, { recursive: true, force: true });
      throw new Error(`mvn ${mvnArgs.join(' ')} failed (exit ${code}):\n${out.trim()}`);
    }
    writeFileSync(join(tmpDir, MARKER), JSON.stringify({ kafkaVersion: KAFKA_VERSION, pomHash, jars: jars.length, resolvedAt: new Date().toISOString() }, null, 2));
    // swap in atomically-ish; running brokers keep their (already open) jars of an old libs dir
    const oldDir = join(KAFKA_CACHE_DIR, `libs.old-${process.pid}`);
    if (existsSync(KAFKA_LIBS_DIR)) renameSync(KAFKA_LIBS_DIR, oldDir);
    renameSync(tmpDir, KAFKA_LIBS_DIR);
    rmSync(oldDir, { recursive: true, force: true });
    log(`resolved ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return KAFKA_LIBS_DIR;
  } finally {
    release();
  }
}

// ---------------------------------------------------------------------------------------------
// minimal Kafka wire-protocol probe (ApiVersions v0 + Metadata v4..v8) for real readiness
// ---------------------------------------------------------------------------------------------

function kafkaRequest(port, apiKey, apiVersion, body, { host = HOST, timeoutMs = 3000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const clientId = Buffer.from('kafka.mjs-probe');
    const header = Buffer.alloc(10 + clientId.length);
    header.writeInt16BE(apiKey, 0);
    header.writeInt16BE(apiVersion, 2);
    header.writeInt32BE(7, 4); // correlation id
    header.writeInt16BE(clientId.length, 8);
    clientId.copy(header, 10);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length);

    const socket = net.connect({ port, host });
    let buf = Buffer.alloc(0);
    const done = (err, res) => {
      socket.destroy();
      clearTimeout(timer);
      if (err) reject(err); else resolvePromise(res);
    };
    const timer = setTimeout(() => done(new Error('timeout')), timeoutMs);
    socket.on('error', (err) => done(err));
    socket.on('close', () => done(new Error('connection closed')));
    socket.on('connect', () => socket.write(Buffer.concat([size, header, body])));
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const resp = buf.subarray(4, 4 + buf.readInt32BE(0));
        if (resp.readInt32BE(0) !== 7) done(new Error('bad correlation id'));
        else done(null, resp.subarray(4)); // response header v0 = correlation id only
      }
    });
  });
}

/**
 * Asks the broker on `port` for its ApiVersions and Metadata. Resolves to
 * `{ ok, brokers: [{nodeId, host, port}], controllerId, clusterId }`; ok = this broker is listed
 * (i.e. registered and unfenced) in its own metadata. Rejects if it does not answer.
 */
export async function probeKafka(port, { host = HOST, timeoutMs = 3000 } = {}) {
  // ApiVersions v0 (every broker version supports it)
  const av = await kafkaRequest(port, 18, 0, Buffer.alloc(0), { host, timeoutMs });
  const err = av.readInt16BE(0);
  if (err !== 0) throw new Error(`ApiVersions error ${err}`);
  const n = av.readInt32BE(2);
  let metadataRange;
  for (let i = 0, o = 6; i < n; i++, o += 6) {
    if (av.readInt16BE(o) === 3) metadataRange = [av.readInt16BE(o + 2), av.readInt16BE(o + 4)];
  }
  if (!metadataRange) throw new Error('broker does not support Metadata');
  const version = Math.max(4, metadataRange[0]);
  if (version > 8 || version > metadataRange[1]) throw new Error(`no usable Metadata version in ${metadataRange}`);

  // Metadata v4..v8 request: topics = [] (none), allow_auto_topic_creation = false, (v8: 2 booleans)
  const body = Buffer.alloc(version >= 8 ? 7 : 5);
  body.writeInt32BE(0, 0);
  const md = await kafkaRequest(port, 3, version, body, { host, timeoutMs });
  let o = 4; // throttle_time_ms
  const count = md.readInt32BE(o); o += 4;
  const brokers = [];
  for (let i = 0; i < count; i++) {
    const nodeId = md.readInt32BE(o); o += 4;
    const hostLen = md.readInt16BE(o); o += 2;
    const bHost = md.toString('utf8', o, o + hostLen); o += hostLen;
    const bPort = md.readInt32BE(o); o += 4;
    const rackLen = md.readInt16BE(o); o += 2;
    if (rackLen > 0) o += rackLen;
    brokers.push({ nodeId, host: bHost, port: bPort });
  }
  const idLen = md.readInt16BE(o); o += 2;
  const clusterId = idLen >= 0 ? md.toString('utf8', o, o + idLen) : null;
  if (idLen > 0) o += idLen;
  const controllerId = md.readInt32BE(o);
  return { ok: brokers.some((b) => b.port === port), brokers, controllerId, clusterId };
}

async function brokerAnswers(port) {
  try {
    return (await probeKafka(port, { timeoutMs: 2000 })).ok;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// start / stop / status
// ---------------------------------------------------------------------------------------------

function layout(dataDir, logDir) {
  const dir = resolve(dataDir ?? DEFAULT_DATA_DIR);
  const logs = resolve(logDir ?? join(dir, 'logs'));
  return {
    dataDir: dir,
    logDir: logs,
    kraftDir: join(dir, 'kraft'),
    propsFile: join(dir, 'server.properties'),
    pidFile: join(dir, 'kafka.pid'),
    serverLog: join(logs, 'server.log'),
    consoleLog: join(logs, 'kafka.out'),
  };
}

function serverProperties({ port, controllerPort, kraftDir, extraProps }) {
  const props = {
    // KRaft combined mode, single node, static controller quorum
    'process.roles': 'broker,controller',
    'node.id': NODE_ID,
    'controller.quorum.voters': `${NODE_ID}@${HOST}:${controllerPort}`,
    'listeners': `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': kraftDir,
    // single node: every internal topic must have RF 1
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'num.partitions': 6,
    // default 50 each: creating them on first group join / first transaction costs ~2-3 s. Safe to
    // change for an existing data dir (the broker uses the real partition count once they exist).
    'offsets.topic.num.partitions': 6,
    'transaction.state.log.num.partitions': 6,
    'auto.create.topics.enable': true,
    'delete.topic.enable': true,
    'group.initial.rebalance.delay.ms': 0,
    ...extraProps,
  };
  return `# Generated by scripts/kafka.mjs (Kafka ${KAFKA_VERSION}) - rewritten on every start\n${
    Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

function jvmArgs(libsDir, logDir, extra = []) {
  return [
    '-cp', `${libsDir}/*`,
    '-Xmx512m', '-Xms256m',
    '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent', '-XX:MaxInlineLevel=15',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${pathToFileURL(LOG4J2_FILE).href}`,
    `-Dkafka.logs.dir=${logDir}`,
    ...extra,
  ];
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
  port = DEFAULT_PORT, controllerPort, dataDir, logDir, quiet = false, timeoutMs = 60_000,
  extraProps = {}, jvmArgs: extraJvmArgs = [], stopWithParent = false,
} = {}) {
  const started = Date.now();
  const log = makeLogger(quiet);
  const l = layout(dataDir, logDir);
  mkdirSync(l.dataDir, { recursive: true });
  mkdirSync(l.logDir, { recursive: true });
  selfIgnore(l.dataDir);

  const libsDir = await resolveKafkaJars({ quiet });

  // one start at a time per data dir
  const release = await acquireLock(join(l.dataDir, '.start.lock'), { timeoutMs: timeoutMs + 30_000, what: 'another start of this broker' });
  try {
    // already running for this data dir?
    const existing = readPid(l.dataDir);
    if (existing !== undefined) {
      if (isKafkaPid(existing, l.dataDir)) {
        const props = readProps(l.propsFile);
        const runningPort = Number(props.listeners?.match(/PLAINTEXT:\/\/[^:]+:(\d+)/)?.[1] ?? port);
        const runningCtrl = Number(props.listeners?.match(/CONTROLLER:\/\/[^:]+:(\d+)/)?.[1]);
        await waitReady({ pid: existing, port: runningPort, l, timeoutMs, started });
        return makeHandle(l, existing, runningPort, runningCtrl, { alreadyRunning: true });
      }
      rmSync(l.pidFile, { force: true }); // stale
    }

    if (!(await portIsFree(port))) {
      throw new Error(`cannot start Kafka: port ${HOST}:${port} is already in use`);
    }
    if (controllerPort === undefined) {
      do controllerPort = await freePort(); while (controllerPort === port);
    } else if (!(await portIsFree(controllerPort))) {
      throw new Error(`cannot start Kafka: controller port ${HOST}:${controllerPort} is already in use`);
    }

    writeFileSync(l.propsFile, serverProperties({ port, controllerPort, kraftDir: l.kraftDir, extraProps }));

    // format storage once (static quorum => `format -t <clusterId> -c server.properties`)
    if (!existsSync(join(l.kraftDir, 'meta.properties'))) {
      const clusterId = randomClusterId();
      log(`formatting ${l.kraftDir} (cluster id ${clusterId})`);
      const { code, out } = await runCommand(javaBin(), [
        ...jvmArgs(libsDir, l.logDir, ['-Xmx256m', '-Xms32m', '-XX:TieredStopAtLevel=1']),
        'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', l.propsFile,
      ].filter((a) => a !== '-Xmx512m' && a !== '-Xms256m'), { cwd: l.dataDir });
      if (code !== 0) {
        rmSync(l.kraftDir, { recursive: true, force: true });
        throw new Error(`kafka-storage format failed (exit ${code}):\n${out.trim()}`);
      }
    }

    const logOffset = fileSize(l.serverLog); // only look for the ready line written by this run
    // launch the broker: detached, own process group, console output (WARN+) to <logDir>/kafka.out
    const outFd = openSync(l.consoleLog, 'a');
    let child;
    try {
      child = spawn(javaBin(), [
        ...jvmArgs(libsDir, l.logDir, extraJvmArgs),
        'kafka.Kafka', l.propsFile,
      ], { cwd: l.dataDir, detached: true, stdio: ['ignore', outFd, outFd] });
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
    if (stopWithParent) spawnWatchdog(process.pid, pid);
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

/** Detached shell loop: when `parentPid` is gone, SIGTERM (then SIGKILL) the broker's process group. */
export function spawnWatchdog(parentPid, brokerPid) {
  const script = `
    while kill -0 ${parentPid} 2>/dev/null && kill -0 ${brokerPid} 2>/dev/null; do sleep 1; done
    if kill -0 ${brokerPid} 2>/dev/null; then
      kill -TERM -${brokerPid} 2>/dev/null || kill -TERM ${brokerPid} 2>/dev/null
      i=0; while kill -0 ${brokerPid} 2>/dev/null && [ $i -lt 20 ]; do sleep 1; i=$((i+1)); done
      kill -KILL -${brokerPid} 2>/dev/null || kill -KILL ${brokerPid} 2>/dev/null
    fi`;
  try {
    spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
  } catch { /* best effort */ }
}

async function waitReady({ pid, port, l, timeoutMs, started, logOffset = 0 }) {
  const deadline = started + timeoutMs;
  let sawLog = false;
  for (;;) {
    if (!pidAlive(pid)) {
      throw new Error(`Kafka broker (pid ${pid}) exited during startup.\n${failureDetails(l)}`);
    }
    sawLog ||= fileContains(l.serverLog, READY_LOG_LINE, logOffset);
    if (sawLog && (await brokerAnswers(port))) return;
    if (Date.now() > deadline) {
      throw new Error(`Kafka broker (pid ${pid}) not ready on ${HOST}:${port} after ${timeoutMs / 1000}s `
        + `(log line seen: ${sawLog}).\n${failureDetails(l)}`);
    }
    await sleep(200);
  }
}

function failureDetails(l) {
  const parts = [];
  const server = tailFile(l.serverLog);
  if (server) parts.push(`--- tail of ${l.serverLog} ---\n${server}`);
  const out = tailFile(l.consoleLog, 30);
  if (out) parts.push(`--- tail of ${l.consoleLog} ---\n${out}`);
  return parts.join('\n') || '(no broker log output)';
}

/** SIGTERM the broker's process group, wait up to timeoutMs (default 20 s), then SIGKILL. */
export async function stopPid(pid, { pidFile, timeoutMs = 20_000 } = {}) {
  const signal = (sig) => {
    try {
      process.kill(-pid, sig); // whole process group (broker was spawned detached => pgid = pid)
    } catch {
      try { process.kill(pid, sig); } catch { /* already gone */ }
    }
  };
  let stopped = false;
  if (pidAlive(pid)) {
    signal('SIGTERM');
    const deadline = Date.now() + timeoutMs;
    while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
    if (pidAlive(pid)) {
      signal('SIGKILL');
      const killDeadline = Date.now() + 5_000;
      while (pidAlive(pid) && Date.now() < killDeadline) await sleep(50);
    }
    stopped = !pidAlive(pid);
  } else {
    stopped = true;
  }
  // a dead broker may linger briefly as a zombie until its parent reaps it (if that parent is this
  // process, libuv does so on a later event-loop turn): wait for it to vanish from the process table
  const reapDeadline = Date.now() + 2_000;
  while (stopped && pidExists(pid) && Date.now() < reapDeadline) await sleep(20);
  if (pidFile && stopped && readPid(dirname(pidFile)) === pid) rmSync(pidFile, { force: true });
  return stopped;
}

/**
 * Stops the broker of `dataDir` (via its pid file). Resolves to
 * `{ stopped: boolean, pid?: number, wasRunning: boolean }`.
 */
export async function stopKafka({ dataDir, timeoutMs = 20_000, quiet = false } = {}) {
  const log = makeLogger(quiet);
  const l = layout(dataDir);
  const pid = readPid(l.dataDir);
  if (pid === undefined) return { stopped: true, wasRunning: false };
  if (!isKafkaPid(pid, l.dataDir)) {
    rmSync(l.pidFile, { force: true });
    return { stopped: true, pid, wasRunning: false };
  }
  log(`stopping broker pid ${pid} ...`);
  const stopped = await stopPid(pid, { pidFile: l.pidFile, timeoutMs });
  return { stopped, pid, wasRunning: true };
}

/**
 * Status of the broker of `dataDir`:
 * `{ running, ready, pid?, brokers?, port?, controllerPort?, dataDir, logFile }`.
 */
export async function kafkaStatus({ dataDir } = {}) {
  const l = layout(dataDir);
  const pid = readPid(l.dataDir);
  const base = { running: false, ready: false, dataDir: l.dataDir, logFile: l.serverLog, version: KAFKA_VERSION };
  if (pid === undefined || !isKafkaPid(pid, l.dataDir)) return base;
  const props = readProps(l.propsFile);
  const port = Number(props.listeners?.match(/PLAINTEXT:\/\/[^:]+:(\d+)/)?.[1]);
  const controllerPort = Number(props.listeners?.match(/CONTROLLER:\/\/[^:]+:(\d+)/)?.[1]);
  return {
    ...base, running: true, ready: await brokerAnswers(port), pid, port, controllerPort, brokers: `${HOST}:${port}`,
  };
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
      case '--controller-port': opts.controllerPort = Number(value()); break;
      case '--data-dir': opts.dataDir = value(); break;
      case '--log-dir': opts.logDir = value(); break;
      case '--timeout': opts.timeoutMs = Number(value()) * 1000; break;
      case '--quiet': case '-q': opts.quiet = true; break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (opts.port !== undefined && !Number.isInteger(opts.port)) throw new Error('--port must be a number');
  return opts;
}

async function cli(argv) {
  const [cmd = 'help', ...rest] = argv;
  const opts = parseArgs(rest);
  const external = process.env.KAFKA_BROKERS;

  switch (cmd) {
    case 'start': {
      if (external) {
        console.log(`KAFKA_BROKERS is set (${external}): using that cluster, not starting a local broker.`);
        return 0;
      }
      const st = await kafkaStatus(opts);
      if (st.running && st.ready) {
        console.log(`Kafka ${KAFKA_VERSION} already running at ${st.brokers} (pid ${st.pid}, data ${st.dataDir})`);
        return 0;
      }
      const k = await startKafka(opts);
      console.log(k.alreadyRunning
        ? `Kafka ${KAFKA_VERSION} already running at ${k.brokers} (pid ${k.pid}, data ${k.dataDir})`
        : `Kafka ${KAFKA_VERSION} running at ${k.brokers} (pid ${k.pid}, started in ${(k.startupMs / 1000).toFixed(1)}s, logs ${k.logFile})`);
      return 0;
    }
    case 'stop': {
      const r = await stopKafka(opts);
      if (!r.wasRunning) console.log('Kafka is not running.');
      else console.log(r.stopped ? `Kafka stopped (pid ${r.pid}).` : `Failed to stop Kafka (pid ${r.pid}).`);
      return r.stopped ? 0 : 1;
    }
    case 'status': {
      const st = await kafkaStatus(opts);
      if (external) console.log(`KAFKA_BROKERS is set (${external}).`);
      if (!st.running) {
        console.log(`Kafka is not running (data ${st.dataDir}).`);
        return 1;
      }
      console.log(`Kafka ${KAFKA_VERSION} ${st.ready ? 'running' : 'running but NOT answering'} at ${st.brokers} `
        + `(pid ${st.pid}, controller port ${st.controllerPort}, data ${st.dataDir}, logs ${st.logFile})`);
      return st.ready ? 0 : 1;
    }
    case 'run': {
      if (external) {
        console.log(`KAFKA_BROKERS is set (${external}): using that cluster, not running a local broker (idling).`);
        await new Promise((r) => { for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(s, r); });
        return 0;
      }
      const k = await startKafka({ ...opts, stopWithParent: true });
      const owned = !k.alreadyRunning;
      console.log(owned
        ? `Kafka ${KAFKA_VERSION} running at ${k.brokers} (pid ${k.pid}, logs ${k.logFile}). Ctrl-C to stop.`
        : `Kafka ${KAFKA_VERSION} already running at ${k.brokers} (pid ${k.pid}); not owned by this process, will not stop it.`);
      const code = await new Promise((resolveCode) => {
        let stopping = false;
        const onSignal = async (sig) => {
          if (stopping) return;
          stopping = true;
          clearInterval(watch);
          if (owned) {
            console.log(`${sig}: stopping Kafka (pid ${k.pid}) ...`);
            const ok = await k.stop();
            console.log(ok ? 'Kafka stopped.' : 'Kafka did not stop.');
            resolveCode(ok ? 0 : 1);
          } else {
            resolveCode(0);
          }
        };
        for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, onSignal);
        // if the broker dies on its own, exit non-zero so the process runner notices
        const watch = setInterval(() => {
          if (!pidAlive(k.pid)) {
            clearInterval(watch);
            console.error(`Kafka broker (pid ${k.pid}) exited unexpectedly.\n${failureDetails(layout(k.dataDir, k.logDir))}`);
            resolveCode(1);
          }
        }, 1000);
        // last resort if we exit for any other reason
        process.on('exit', () => { if (owned && !stopping && pidAlive(k.pid)) { try { process.kill(-k.pid, 'SIGTERM'); } catch { /* gone */ } } });
      });
      return code;
    }
    case 'resolve': {
      console.log(await resolveKafkaJars(opts));
      return 0;
    }
    default:
      console.log(`usage: node scripts/kafka.mjs <start|stop|status|run|resolve> [--port N] [--controller-port N] [--data-dir DIR] [--log-dir DIR] [--timeout SECONDS] [--quiet]
  Kafka ${KAFKA_VERSION} (KRaft, single node), jars cached in ${KAFKA_LIBS_DIR}
  default: port ${DEFAULT_PORT}, data dir ${DEFAULT_DATA_DIR}; KAFKA_BROKERS set => start/run do nothing`);
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
      console.error(`[kafka] ${err.message}`);
      process.exit(1);
    },
  );
}
