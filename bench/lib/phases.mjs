// One system, measured: its own database and topic prefix, the five services started, products
// seeded, then warm-up → end to end (open loop at the offered rate, drained) → intake (closed loop
// at a fixed concurrency), with the sampler running throughout; then everything of it is removed.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  connect,
  createDatabase,
  createTopics,
  databaseUrl,
  deleteKafkaPrefix,
  dropDatabase,
  migratePeerDatabase,
  seedProducts,
} from './infra.mjs';
import { endToEnd, round1, waitUntilFinal } from './results.mjs';
import { Sampler } from './sampler.mjs';
import { startSystem } from './systems.mjs';
import { BLOCKED_VPAS, PRODUCTS } from './workload.mjs';

const SERVICES = ['payments', 'fraud', 'notifications', 'inventory', 'analytics'];

/** Runs loadgen.mjs as a child process; resolves to its JSON report. `track` sees the child while it runs. */
export function runLoad(paths, options, track = () => undefined) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(paths.bench, 'lib/loadgen.mjs'), JSON.stringify(options)], {
      cwd: paths.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    track(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      track(undefined);
      const line = out.trim().split('\n').pop();
      if (code === 0 && line) resolve(JSON.parse(line));
      else reject(new Error(`load generator exited with ${code}: ${err.trim().slice(-2000)}`));
    });
  });
}

/**
 * @param {object} spec   { label, system, env, intake, processes (extra name → pid to measure) }
 * @param {object} ctx    { runId, paths, config, brokers, kafkaAdmin, pgAdmin, monitor, keep, log, onChild, externalKafka }
 */
export async function measureSystem(spec, ctx) {
  const { runId, paths, config, kafkaAdmin, pgAdmin, monitor, log } = ctx;
  const database = `bench_${runId}_${spec.label.replace(/\W/g, '_')}`;
  const prefix = `bench.${runId}.${spec.label}.`;
  const cleanups = [];
  const defer = ctx.defer ?? ((fn) => fn);
  await createDatabase(pgAdmin, database);
  cleanups.push(defer(() => (ctx.keep ? undefined : dropDatabase(pgAdmin, database))));
  if (ctx.externalKafka) cleanups.push(defer(() => deleteKafkaPrefix(kafkaAdmin, prefix)));
  let system;
  let sampler;
  let client;
  try {
    let paymentColumns = [];
    if (spec.system !== 'ours') ({ paymentColumns } = await migratePeerDatabase(paths.dist, database));
    // Also for ours, as it would create them (its default partitions): a service creating topics
    // while the others do, on a fresh broker, can crash at startup (an UNKNOWN_TOPIC_OR_PARTITION
    // escapes kafkajs' createTopics({ waitForLeaders })), which is not what is measured here.
    await createTopics(kafkaAdmin, prefix);
    const env = {
      KAFKA_BROKERS: ctx.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl(database),
      FRAUD_BLOCKED_VPAS: BLOCKED_VPAS.join(','),
      BENCH_PAYMENT_COLUMNS: paymentColumns.join(','),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      // The load generator is one client address: ours' per-address limit (1,200 a minute by
      // default) would refuse nearly all of it. Raised out of reach, it is still counted in Redis.
      RATE_LIMIT_PER_MIN: '1000000',
      RATE_LIMIT_PREFIX: prefix,
      ...spec.env,
    };
    log(`${spec.label}: starting (database ${database}, topics ${prefix}*)`);
    const start = () =>
      startSystem({ system: spec.system, label: spec.label, env, paths, logDir: paths.logs, profileDir: ctx.profileDir, log });
    system = await start().catch((error) => {
      log(`${spec.label}: did not start (${error.message.split('\n')[0]}); trying once more`);
      return start();
    });
    cleanups.push(defer(() => system.stop()));
    await seedProducts(database, PRODUCTS);
    client = await connect(database);
    cleanups.push(defer(() => client.end()));

    const started = Date.now();
    sampler = new Sampler({ processes: { ...system.pids, ...spec.processes }, pg: monitor, database, admin: kafkaAdmin, prefix });
    sampler.start();
    const url = system.urls.payments;
    const load = (options) => runLoad(paths, { url, connections: 64, ...options }, ctx.onChild);

    if (config.warmupS > 0) {
      // JIT, pools and consumer groups settle; at a modest rate, so that a slow system does not
      // enter the measured window with a backlog of warm-up payments
      const rate = Math.min(config.rate, 200);
      log(`${spec.label}: warming up (${config.warmupS} s at ${rate}/s)`);
      await load({ mode: 'open', rate, durationS: config.warmupS, phase: 'warmup' });
      await waitUntilFinal(client, 'warmup', 60_000);
    }

    log(`${spec.label}: end to end, ${config.rate}/s offered for ${config.durationS} s`);
    await sampler.sample();
    const t0 = Date.now();
    const e2eLoad = await load({ mode: 'open', rate: config.rate, durationS: config.durationS, phase: 'e2e', indexOffset: 10_000_000 });
    const pending = await waitUntilFinal(client, 'e2e', config.drainS * 1000);
    await sampler.sample();
    const tEnd = Date.now();
    const e2e = await endToEnd(client, 'e2e', e2eLoad.startedAt, config.durationS, tEnd);
    const window = sampler.summarize(t0, tEnd);
    const expired = e2e.outcomes.EXPIRED ? `, ${e2e.outcomes.EXPIRED} expired` : '';
    log(
      `${spec.label}: ${e2e.completedPerSec} completed/s, p99 ${e2e.e2eLatencyMs.p99 ?? '—'} ms, ${pending} unfinished after the drain${expired}`,
    );

    let intake;
    if (spec.intake) {
      log(`${spec.label}: intake, ${config.connections} connections for ${config.intakeS} s`);
      intake = await load({
        mode: 'closed',
        connections: config.connections,
        durationS: config.intakeS,
        phase: 'intake',
        indexOffset: 20_000_000,
      });
    }
    await sampler.sample();
    await sampler.stop();
    const whole = sampler.summarize(started, Date.now());
    const crashed = system.exited();

    const cpuSeconds = { ...window.cpuSeconds, loadgen: round1(e2eLoad.self.cpuSeconds) };
    const peakRssMb = { ...whole.peakRssMb, loadgen: Math.max(e2eLoad.self.peakRssMb, intake?.self.peakRssMb ?? 0) };
    const total = [...SERVICES, 'kafka', 'postgres'].reduce((s, n) => s + (cpuSeconds[n] ?? 0), 0);
    const finished = e2e.payments - e2e.unfinished - (e2e.outcomes.EXPIRED ?? 0); // decided, not given up on
    const completedDuringCpuWindow = e2e.completedUntilEnd;
    const lag = new Map(sampler.lagSeries(e2eLoad.startedAt, tEnd).map((p) => [p.t, p.lag]));
    const offered = new Map(e2eLoad.perSecond.map((p) => [p.t, p.sent]));
    return {
      completedPerSec: e2e.completedPerSec,
      acceptedPerSec: intake ? round1(intake.acceptedPerSec) : null,
      e2eLatencyMs: e2e.e2eLatencyMs,
      httpLatencyMs: intake ? { p50: intake.latencyMs.p50, p99: intake.latencyMs.p99 } : { p50: null, p99: null },
      cpuSeconds,
      peakRssMb,
      maxConsumerLag: window.maxConsumerLag,
      detail: {
        offeredPerSec: round1(e2eLoad.sent / config.durationS),
        e2eAcceptedPerSec: round1(e2eLoad.acceptedPerSec),
        e2eHttpLatencyMs: e2eLoad.latencyMs,
        e2eHttp: {
          sent: e2eLoad.sent,
          statuses: e2eLoad.statuses,
          errors: e2eLoad.errors,
          dropped: e2eLoad.dropped,
          firstErrors: e2eLoad.firstErrors,
        },
        payments: e2e.payments,
        completed: finished,
        completedInWindow: e2e.completedInWindow,
        completedUntilEnd: e2e.completedUntilEnd,
        unfinished: e2e.unfinished,
        outcomes: e2e.outcomes,
        windowS: config.durationS,
        drainS: round1((tEnd - e2eLoad.loadEndedAt) / 1000),
        maxLagByGroup: window.maxLagByGroup,
        cpuSecondsTotal: round1(total),
        cpuMsPerPayment: completedDuringCpuWindow > 0 ? Math.round((total * 100_000) / completedDuringCpuWindow) / 100 : null,
        intake: intake && {
          connections: config.connections,
          durationS: intake.durationS,
          sent: intake.sent,
          accepted: intake.accepted,
          statuses: intake.statuses,
          errors: intake.errors,
          latencyMs: intake.latencyMs,
        },
        crashed,
        database,
        prefix,
      },
      series: e2e.series.map((p) => ({ ...p, offered: offered.get(p.t) ?? 0, lag: lag.get(p.t) ?? null })),
    };
  } finally {
    await sampler?.stop();
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch((error) => log(`${spec.label}: cleanup: ${error.message}`));
  }
}
