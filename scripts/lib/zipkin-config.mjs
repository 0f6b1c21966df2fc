// What the local Zipkin is made of: its version and executable jar (from scripts/zipkin/pom.xml),
// the layout of a data dir, and the environment and arguments of its JVM.
//
// The jar: .cache/zipkin/<version>/zipkin.jar (version = <zipkin.version> in scripts/zipkin/pom.xml).
// A data dir holds no data (storage is in memory, gone when Zipkin stops), only:
//   <dataDir>/zipkin.pid   pid of the running server (also its process-group id)
//   <dataDir>/zipkin.log   its console output (rewritten on every start)

import { renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CACHE_DIR, SCRIPTS_DIR } from './cache.mjs';
import { pomProperty, resolveWithMaven } from './maven.mjs';
import { HOST } from './ports.mjs';

const POM_FILE = join(SCRIPTS_DIR, 'zipkin', 'pom.xml');

/** Zipkin version, single source of truth = <zipkin.version> in scripts/zipkin/pom.xml. */
export const ZIPKIN_VERSION = pomProperty(POM_FILE, 'zipkin.version');
export const ZIPKIN_CACHE_DIR = join(CACHE_DIR, 'zipkin', ZIPKIN_VERSION);
export const ZIPKIN_JAR = join(ZIPKIN_CACHE_DIR, 'zipkin.jar');
export const DEFAULT_DATA_DIR = join(CACHE_DIR, 'zipkin-data');
export const DEFAULT_PORT = 9411;

/** In-memory storage drops the oldest traces beyond this; sized for the small heap below. */
const MAX_SPANS = 50_000;
/** Marks our JVMs (and which data dir they belong to) on their command line. */
export const MARKER_PROP = '-Dzipkin.mjs.dataDir=';

export const makeLogger = (quiet) => (quiet ? () => {} : (...a) => console.error('[zipkin]', ...a));

/**
 * Downloads (once) Zipkin's executable jar (io.zipkin:zipkin-server:<version>:exec, ~135 MB) with
 * Maven into .cache/zipkin/<version>/zipkin.jar. Safe to call concurrently. Returns the jar's path.
 */
export async function resolveZipkinJar({ quiet = false } = {}) {
  const jarName = `zipkin-server-${ZIPKIN_VERSION}-exec.jar`;
  await resolveWithMaven({
    pomFile: POM_FILE,
    cacheDir: ZIPKIN_CACHE_DIR,
    what: 'Zipkin jar',
    flags: ['-DexcludeTransitive=true'],
    isResolved: () => {
      try {
        return statSync(ZIPKIN_JAR).size > 0;
      } catch {
        return false;
      }
    },
    complete: (files) => files.includes(jarName),
    install: (tmpDir) => {
      renameSync(join(tmpDir, jarName), ZIPKIN_JAR); // atomic: a jar at ZIPKIN_JAR is always complete
      return jarName;
    },
    announce: `resolving Zipkin ${ZIPKIN_VERSION} with Maven into ${ZIPKIN_JAR} (one-time, ~135 MB) ...`,
    log: makeLogger(quiet),
  });
  return ZIPKIN_JAR;
}

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

export function layout(dataDir) {
  const dir = resolve(dataDir ?? DEFAULT_DATA_DIR);
  return { dataDir: dir, pidFile: join(dir, 'zipkin.pid'), logFile: join(dir, 'zipkin.log') };
}

/**
 * The environment of the JVM: a clean one, so that variables meant for other tools (e.g.
 * KAFKA_BOOTSTRAP_SERVERS, RABBIT_URI, ES_HOSTS: Zipkin reads them all) cannot turn on collectors
 * or another storage. Only in-memory storage and the HTTP collector + query API + UI.
 */
export function zipkinEnv(port, extra) {
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

export function zipkinArgs(jar, port, l, extraJvmArgs) {
  return [
    // small and quick to start: a dev/test viewer, not a production collector
    '-Xms32m',
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `${MARKER_PROP}${l.dataDir}`,
    ...extraJvmArgs,
    '-jar',
    jar,
    '--spring.main.banner-mode=off',
    // listen on the loopback interface only (Zipkin's default is every interface); overriding the
    // list entry replaces it whole, hence port and protocol too
    `--armeria.ports[0].ip=${HOST}`,
    `--armeria.ports[0].port=${port}`,
    '--armeria.ports[0].protocols[0]=http',
  ];
}
