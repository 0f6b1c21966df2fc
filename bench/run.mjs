#!/usr/bin/env node
// npm run bench [-- options]: measures the project ("ours") against two peers doing the same work
// ("naive": the NestJS + Kafka tutorial way; "raw": no framework), on one Kafka broker and one
// PostgreSQL server, in one run. See bench/README.md. Options:
//   --rate N          offered payments/s, open loop (1000)        --duration S   measured window (60)
//   --warmup S        warm-up at the offered rate (10)            --drain S      max wait for stragglers (60)
//   --intake S        closed-loop intake test (15)                --connections N  its concurrency (32)
//   --systems a,b     which systems (ours,naive,raw)             --no-tracing   skip ours' tracing variants
//   --out DIR         where latest.json / latest.svg go (bench/results)
//   --smoke           a few seconds per system at a tiny rate, no tracing variants, output to a temp dir
//   --profile         CPU profiles of every service process (.cpuprofile) into the run's directory
//   --keep            keep the databases and the logs afterwards
// Environment: KAFKA_BROKERS (use that cluster, else a private broker), DATABASE_URL (the server to use).

import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { ensureNaiveBuild } from './lib/build-naive.mjs';
import { connect, redisPid, startBroker, startPrivateZipkin } from './lib/infra.mjs';
import { measureSystem, prepareIdentities } from './lib/phases.mjs';
import { formatTables, renderChart } from './lib/report.mjs';
import { payerPoolFor } from './lib/workload.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const log = (message) => console.error(`[bench] ${message}`);

function parseArgs(argv) {
  const smoke = argv.includes('--smoke');
  const o = smoke
    ? { rate: 20, durationS: 4, warmupS: 2, drainS: 60, intakeS: 2, connections: 4, systems: ['ours', 'naive', 'raw'], tracing: false }
    : {
        rate: 1000,
        durationS: 60,
        warmupS: 10,
        drainS: 60,
        intakeS: 15,
        connections: 32,
        systems: ['ours', 'naive', 'raw'],
        tracing: true,
      };
  Object.assign(o, { smoke, out: undefined, profile: false, keep: false });
  const number = (flag, value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--smoke':
        break;
      case '--rate':
        o.rate = number(flag, value());
        break;
      case '--duration':
        o.durationS = number(flag, value());
        break;
      case '--warmup':
        o.warmupS = number(flag, value());
        break;
      case '--drain':
        o.drainS = number(flag, value());
        break;
      case '--intake':
        o.intakeS = number(flag, value());
        break;
      case '--connections':
        o.connections = number(flag, value());
        break;
      case '--systems':
        o.systems = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case '--no-tracing':
        o.tracing = false;
        break;
      case '--out':
        o.out = resolve(value());
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--keep':
        o.keep = true;
        break;
      case '--help':
      case '-h':
        console.log(readUsage());
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${argv[i]} (see --help)`);
    }
  }
  if (o.systems.some((s) => !['ours', 'naive', 'raw'].includes(s))) throw new Error('--systems: ours, naive, raw');
  if (!(o.rate > 0 && o.durationS > 0)) throw new Error('--rate and --duration must be positive');
  return o;
}

function readUsage() {
  return (
    'usage: npm run bench -- [--rate N] [--duration S] [--warmup S] [--drain S] [--intake S] [--connections N]\n' +
    '       [--systems ours,naive,raw] [--no-tracing] [--out DIR] [--smoke] [--profile] [--keep]   (see bench/README.md)'
  );
}

async function machine(pgAdmin, kafkaVersion) {
  const { rows } = await pgAdmin.query(
    "SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS sync, " +
      "current_setting('shared_buffers') AS buffers, current_setting('max_connections') AS conns",
  );
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    kafka: kafkaVersion,
    postgres: rows[0].version,
    postgresSettings: { synchronous_commit: rows[0].sync, shared_buffers: rows[0].buffers, max_connections: Number(rows[0].conns) },
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

async function main() {
  let config;
  try {
    config = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`[bench] ${error.message}`);
    process.exit(2);
  }
  const runId = `r${Date.now().toString(36)}`;
  const work = join(ROOT, '.cache', 'bench', runId);
  const paths = { root: ROOT, bench: BENCH, dist: join(work, 'dist'), logs: join(work, 'logs'), naive: undefined };
  const outDir = config.out ?? (config.smoke ? mkdtempSync(join(os.tmpdir(), 'payments-bench-smoke-')) : join(BENCH, 'results'));
  const profileDir = config.profile ? join(work, 'profiles') : undefined;
  const cleanups = [];
  const deferred = new Set(); // a system's own cleanups, run here too if the run is interrupted
  const defer = (fn) => {
    const once = async () => {
      if (!deferred.delete(once)) return;
      await fn();
    };
    deferred.add(once);
    return once;
  };
  let child;
  let failed = false;
  const cleanup = async () => {
    child?.kill('SIGTERM');
    for (const fn of [...[...deferred].reverse(), ...cleanups.splice(0).reverse()]) {
      await Promise.resolve()
        .then(fn)
        .catch((e) => log(`cleanup: ${e.message}`));
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      log(`${signal}: stopping everything this run started ...`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  // bounded in time whatever happens: services that never get ready, a drain that never ends, ...
  // registering the payers (once for the run) takes its time too: a generous 0.2 s per user
  const registrationS = Math.ceil(payerPoolFor(config.rate) / 5) * 0.2;
  // and so does funding every payer through ours' deposit route (each run of ours): a generous 0.02 s per payer
  const fundingS = payerPoolFor(config.rate) * 0.02;
  const limitMs =
    (config.systems.length + (config.tracing ? 2 : 0)) *
      (240 + config.warmupS + config.durationS + config.drainS + config.intakeS + 60 + fundingS) *
      1000 +
    registrationS * 1000 +
    300_000;
  const watchdog = setTimeout(() => {
    log(`the run exceeded its time limit (${Math.round(limitMs / 60000)} min): stopping`);
    void cleanup().finally(() => process.exit(1));
  }, limitMs);
  watchdog.unref();

  try {
    mkdirSync(paths.logs, { recursive: true });
    if (!config.keep) cleanups.push(() => rmSync(paths.dist, { recursive: true, force: true }));
    // the build under test, copied: another `npm run build` during the run must not change it
    if (!existsSync(join(ROOT, 'dist/apps/payments/src/main.js')))
      throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');
    cpSync(join(ROOT, 'dist'), paths.dist, { recursive: true });
    if (config.systems.includes('naive')) paths.naive = await ensureNaiveBuild(ROOT, log);

    const broker = await startBroker(log);
    if (broker.stop) cleanups.push(() => broker.stop());
    const kafka = new Kafka({ clientId: 'bench-harness', brokers: broker.brokers.split(','), logLevel: logLevel.NOTHING });
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    cleanups.push(() => kafkaAdmin.disconnect());
    const pgAdmin = await connect('postgres');
    cleanups.push(() => pgAdmin.end());
    const monitor = await connect('postgres');
    cleanups.push(() => monitor.end());
    const result = {
      version: 1,
      mode: config.smoke ? 'smoke' : 'full',
      config: { ...config, out: undefined },
      machine: await machine(pgAdmin, broker.version),
    };

    let zipkin;
    if (config.tracing && config.systems.includes('ours')) {
      zipkin = await startPrivateZipkin(log);
      cleanups.push(() => zipkin.stop());
    }
    const traced = zipkin ? { OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint } : { OTEL_SDK_DISABLED: 'true' };
    // Redis (rate limits) is measured when it runs here; like the PostgreSQL server, it may serve others too.
    const redis = await redisPid();
    const shared = { kafka: broker.pid, ...(redis ? { redis } : {}) };
    const measured = { ...shared, ...(zipkin ? { zipkin: zipkin.pid } : {}) };
    const specs = [
      { label: 'ours', system: 'ours', env: traced, intake: true, processes: measured },
      { label: 'naive', system: 'naive', env: {}, intake: true, processes: shared },
      { label: 'raw', system: 'raw', env: {}, intake: true, processes: shared },
    ].filter((s) => config.systems.includes(s.label));
    if (zipkin) {
      specs.push(
        { label: 'ours-tracing-off', system: 'ours', env: { OTEL_SDK_DISABLED: 'true' }, intake: false, processes: shared },
        {
          label: 'ours-tracing-10pct',
          system: 'ours',
          intake: false,
          processes: measured,
          env: { ...traced, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' },
        },
      );
    }
    const ctx = {
      runId,
      paths,
      config,
      brokers: broker.brokers,
      externalKafka: broker.external,
      kafka,
      kafkaAdmin,
      pgAdmin,
      monitor,
      log,
      keep: config.keep,
      profileDir,
      onChild: (c) => {
        child = c;
      },
      defer,
      cleanups,
    };
    // every system's payers and payees, signed up once (each system starts from a copy)
    ctx.identity = await prepareIdentities(ctx);
    const variants = {};
    for (const spec of specs) {
      // a system that fails is reported as such; the others are still measured
      const measuredSystem = await measureSystem(spec, ctx).catch((error) => {
        failed = true;
        log(`${spec.label}: failed: ${error.stack ?? error}`);
        return { error: error.message, completedPerSec: null };
      });
      if (spec.label.startsWith('ours-')) variants[spec.label] = measuredSystem;
      else result[spec.label] = measuredSystem;
    }
    result.tracing = {
      off: variants['ours-tracing-off']?.completedPerSec ?? null,
      ratio10: variants['ours-tracing-10pct']?.completedPerSec ?? null,
      always: zipkin ? (result.ours?.completedPerSec ?? null) : null,
      detail: Object.fromEntries(Object.entries(variants).map(([k, v]) => [k, { ...v, series: undefined }])),
    };
    result.finishedAt = new Date().toISOString();

    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(join(outDir, 'latest.svg'), await renderChart(result));
    console.log(`\n${formatTables(result)}\n`);
    log(`results: ${join(outDir, 'latest.json')}, chart: ${join(outDir, 'latest.svg')}`);
    if (profileDir) log(`CPU profiles: ${profileDir} (open in Chrome DevTools or https://www.speedscope.app)`);
  } catch (error) {
    failed = true;
    log(`failed: ${error.stack ?? error}`);
  } finally {
    clearTimeout(watchdog);
    await cleanup();
    if (failed || config.keep) log(`logs kept in ${paths.logs}`);
    else if (profileDir) rmSync(paths.logs, { recursive: true, force: true });
    else rmSync(work, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

await main();
