// What the local Kafka broker is made of: its version and jars (from scripts/kafka/pom.xml), the
// layout of a data dir, the generated server.properties and the JVM's arguments.
//
// Layout of a data dir:
//   <dataDir>/server.properties   generated broker config (rewritten on every start)
//   <dataDir>/kafka.pid           pid of the running broker (also its process-group id)
//   <dataDir>/kraft/              log.dirs: metadata log + topic partitions
//   <dataDir>/logs/               default logDir: server.log (INFO), kafka.out (console, WARN+)
// (log.dirs is a sub-directory because Kafka refuses non topic-partition directories inside log.dirs.)

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CACHE_DIR, SCRIPTS_DIR } from './cache.mjs';
import { pomProperty, resolveWithMaven } from './maven.mjs';
import { HOST } from './ports.mjs';

const POM_FILE = join(SCRIPTS_DIR, 'kafka', 'pom.xml');
const LOG4J2_FILE = join(SCRIPTS_DIR, 'kafka', 'log4j2.yaml');

/** Kafka version, single source of truth = <kafka.version> in scripts/kafka/pom.xml. */
export const KAFKA_VERSION = pomProperty(POM_FILE, 'kafka.version');
export const KAFKA_CACHE_DIR = join(CACHE_DIR, 'kafka', KAFKA_VERSION);
export const KAFKA_LIBS_DIR = join(KAFKA_CACHE_DIR, 'libs');
export const DEFAULT_DATA_DIR = join(CACHE_DIR, 'kafka-data');
export const DEFAULT_PORT = 9092;

const NODE_ID = 1;
const MARKER = '.resolved.json'; // inside libs/ (the java `libs/*` classpath wildcard only picks *.jar)

/**
 * Downloads (once) the Kafka broker jars + log4j2 backend into .cache/kafka/<version>/libs using
 * Maven. Safe to call concurrently from several processes. Returns the libs directory.
 */
export async function resolveKafkaJars({ quiet = false } = {}) {
  // hash of the pom without comments/whitespace: editing comments must not trigger a re-download
  const pomHash = createHash('sha256')
    .update(
      readFileSync(POM_FILE, 'utf8')
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/\s+/g, ''),
    )
    .digest('hex');
  const isResolved = () => {
    try {
      return JSON.parse(readFileSync(join(KAFKA_LIBS_DIR, MARKER), 'utf8')).pomHash === pomHash;
    } catch {
      return false;
    }
  };
  await resolveWithMaven({
    pomFile: POM_FILE,
    cacheDir: KAFKA_CACHE_DIR,
    what: 'Kafka jar',
    flags: ['-DincludeScope=runtime'],
    isResolved,
    complete: (files) => files.some((f) => f.startsWith(`kafka_2.13-${KAFKA_VERSION}`) && f.endsWith('.jar')),
    install: (tmpDir, files) => {
      const jars = files.filter((f) => f.endsWith('.jar'));
      writeFileSync(
        join(tmpDir, MARKER),
        JSON.stringify({ kafkaVersion: KAFKA_VERSION, pomHash, jars: jars.length, resolvedAt: new Date().toISOString() }, null, 2),
      );
      // swap in atomically-ish; running brokers keep their (already open) jars of an old libs dir
      const oldDir = join(KAFKA_CACHE_DIR, `libs.old-${process.pid}`);
      if (existsSync(KAFKA_LIBS_DIR)) renameSync(KAFKA_LIBS_DIR, oldDir);
      renameSync(tmpDir, KAFKA_LIBS_DIR);
      rmSync(oldDir, { recursive: true, force: true });
      return `${jars.length} jars`;
    },
    announce: `resolving Kafka ${KAFKA_VERSION} jars with Maven into ${KAFKA_LIBS_DIR} (one-time) ...`,
    log: makeLogger(quiet),
  });
  return KAFKA_LIBS_DIR;
}

export function makeLogger(quiet) {
  return quiet ? () => {} : (...a) => console.error('[kafka]', ...a);
}

/** The files of a data dir (see the top of this file). */
export function layout(dataDir, logDir) {
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

export function serverProperties({ port, controllerPort, kraftDir, extraProps }) {
  const props = {
    // KRaft combined mode, single node, static controller quorum
    'process.roles': 'broker,controller',
    'node.id': NODE_ID,
    'controller.quorum.voters': `${NODE_ID}@${HOST}:${controllerPort}`,
    listeners: `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
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
  return `# Generated by scripts/kafka.mjs (Kafka ${KAFKA_VERSION}) - rewritten on every start\n${Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

/** The PLAINTEXT and CONTROLLER ports in a data dir's server.properties (undefined where missing). */
export function listenerPorts(propsFile) {
  const listeners = readProps(propsFile).listeners;
  const portOf = (name) => {
    const port = listeners?.match(new RegExp(`${name}://[^:]+:(\\d+)`))?.[1];
    return port === undefined ? undefined : Number(port);
  };
  return { port: portOf('PLAINTEXT'), controllerPort: portOf('CONTROLLER') };
}

function readProps(file) {
  const props = {};
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = line.match(/^\s*([^#!\s][^=]*?)\s*=\s*(.*?)\s*$/);
      if (m) props[m[1]] = m[2];
    }
  } catch {
    /* missing */
  }
  return props;
}

export function jvmArgs(libsDir, logDir, extra = []) {
  return [
    '-cp',
    `${libsDir}/*`,
    '-Xmx512m',
    '-Xms256m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-XX:MaxInlineLevel=15',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${pathToFileURL(LOG4J2_FILE).href}`,
    `-Dkafka.logs.dir=${logDir}`,
    ...extra,
  ];
}

/** Kafka-style random cluster id: 16 random bytes, base64url without padding, not starting with '-'. */
export function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
