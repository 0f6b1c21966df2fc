// The run's people, registered once (prepareIdentities), then one system at a time, measured: its
// own database (a copy of the registered users' one) and topic prefix (the users service's events
// copied into it), the seven services and users started, products seeded, the payers known to
// payments, then warm-up → end to end (open loop at the offered rate, drained) → intake (closed
// loop at a fixed concurrency), with the sampler running throughout; then everything of it is removed.

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  connect,
  copyTopic,
  createDatabase,
  createTopics,
  databaseUrl,
  deleteKafkaPrefix,
  dropDatabase,
  migratePeerDatabase,
  SERVICES,
  seedProducts,
  USERS,
} from './infra.mjs';
import { checkDisputes } from './disputes.mjs';
import { OPERATOR_PHONE, probeAccess, registerHolders, registerOperator } from './identities.mjs';
import { checkLedger, fundPayers } from './ledger.mjs';
import { endToEnd, round1, waitUntilFinal } from './results.mjs';
import { Sampler } from './sampler.mjs';
import { startSystem } from './systems.mjs';
import { BLOCKED_VPAS, formatPaise, fundingPerPayer, PAYEES, payerPoolFor, payersOf, PRODUCTS } from './workload.mjs';

/** Ours' products, set by its operator through the inventory API (the peers get the same rows in SQL). */
async function putProducts(inventoryUrl, token, products) {
  for (const { sku, name, stock } of products) {
    const response = await fetch(`${inventoryUrl}/v1/inventory/products/${sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name, stock }),
    });
    if (response.status !== 201) throw new Error(`PUT product ${sku}: ${response.status} ${await response.text()}`);
  }
}

/**
 * Waits until the system's `services` have applied every event of the users service (payments: who
 * holds which VPA; the ledger: its accounts): the users service's outbox is empty, and each
 * service's consumer group has committed all of users.user-events (bounded).
 */
async function untilServicesKnowUsers(client, admin, prefix, services, timeoutMs = 300_000) {
  const topic = `${prefix}users.user-events`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM users.outbox');
    let lag = rows[0].n > 0 ? Infinity : 0;
    if (lag === 0) {
      const { groups } = await admin.listGroups();
      const high = await admin.fetchTopicOffsets(topic);
      for (const service of services) {
        const ids = groups.map((g) => g.groupId).filter((id) => id === `${prefix}${service}` || id === `${prefix}${service}-server`);
        if (!ids.length) lag = Infinity;
        for (const groupId of ids) {
          const [{ partitions }] = await admin.fetchOffsets({ groupId, topics: [topic] });
          for (const { partition, offset } of partitions) {
            const h = high.find((x) => x.partition === partition);
            lag += Number(h.high) - (Number(offset) >= 0 ? Number(offset) : Number(h.low));
          }
        }
      }
    }
    if (lag === 0) return;
    if (Date.now() > deadline) throw new Error(`${services.join(' and ')} did not learn the registered users within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

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

/** The `iss` of the run's tokens, whichever system's users service signs them (they share the key). */
const ISSUER = 'https://identity.bench.invalid';

/** What every system's users service is given: the run's issuer and key, and where its limits stay out of the way. */
function usersEnv(identity, prefix) {
  return {
    AUTH_ISSUER: ISSUER,
    AUTH_KEY_FILE: identity.keyFile,
    AUTH_TOKEN_TTL_S: '86400',
    // scrypt at its cheapest: the run signs up thousands of users before it measures anything
    PASSWORD_SCRYPT_LOG_N: '10',
    OPERATOR_PHONES: OPERATOR_PHONE,
    // One client address and payers paying many times a minute: ours' limits are counted in Redis
    // as always (their cost is measured), but set where they never refuse the load.
    RATE_LIMIT_PER_MIN: '1000000',
    RATE_LIMIT_PAYMENTS_PER_MIN: '1000000',
    RATE_LIMIT_PREFIX: `${prefix}rl:`,
  };
}

/**
 * The run's people, made once before any system is measured, through the users service as a client
 * would: it runs alone on a database and topic prefix of its own while the operator and every payer
 * and payee sign up, sign in and link their VPAs (`bench/lib/identities.mjs`), until its outbox is
 * empty; then it stops. Each system then starts from a copy of that database (its users service
 * knows them all, with the same signing key: the tokens stay valid) and a copy of its events.
 * (The smoke run, a few hundred payments, makes do with 100 payers and 50 shops.)
 */
export async function prepareIdentities(ctx) {
  const { runId, paths, config, kafkaAdmin, pgAdmin, log } = ctx;
  const defer = ctx.defer ?? ((fn) => fn);
  const database = `bench_${runId}_identity`;
  const prefix = `bench.${runId}.identity.`;
  const identity = {
    database,
    prefix,
    keyFile: join(dirname(paths.logs), 'keys', 'identity.json'),
    file: join(dirname(paths.logs), 'identities.json'),
    ...(config.smoke ? { payerPool: 100, payees: 50 } : { payerPool: payerPoolFor(config.rate), payees: PAYEES }),
  };
  await createDatabase(pgAdmin, database);
  ctx.cleanups.push(() => (ctx.keep ? undefined : dropDatabase(pgAdmin, database)));
  if (ctx.externalKafka) ctx.cleanups.push(() => deleteKafkaPrefix(kafkaAdmin, prefix));
  await createTopics(kafkaAdmin, prefix);
  const env = {
    KAFKA_BROKERS: ctx.brokers,
    KAFKA_TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl(database),
    OTEL_SDK_DISABLED: 'true',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
    ...usersEnv(identity, prefix),
  };
  log(`identities: signing up ${holdersCount(identity)} users (database ${database})`);
  const users = await startSystem({ system: 'ours', label: 'identity', env, paths, logDir: paths.logs, log, processes: [USERS] });
  const stop = defer(() => users.stop());
  try {
    identity.operatorToken = await registerOperator(users.urls[USERS]);
    identity.registered = await registerHolders({ usersUrl: users.urls[USERS], ...identity });
    const client = await connect(database);
    try {
      const deadline = Date.now() + 120_000;
      while ((await client.query('SELECT count(*)::int AS n FROM users.outbox')).rows[0].n > 0) {
        if (Date.now() > deadline) throw new Error("the users service's outbox did not empty in 120 s");
        await sleep(250);
      }
    } finally {
      await client.end();
    }
  } finally {
    await stop(); // nobody may be connected to a template database
  }
  const { users: n, vpas, seconds } = identity.registered;
  log(`identities: ${n} users holding ${vpas} VPAs registered in ${seconds.toFixed(1)} s`);
  return identity;
}

const holdersCount = ({ payerPool, payees }) => Math.ceil(payerPool / 5) + 2 + Math.ceil(payees / 5);

/**
 * @param {object} spec   { label, system, env, intake, processes (extra name → pid to measure) }
 * @param {object} ctx    { runId, paths, config, brokers, kafka, kafkaAdmin, pgAdmin, monitor, keep, log, onChild, externalKafka, identity }
 */
export async function measureSystem(spec, ctx) {
  const { runId, paths, config, kafkaAdmin, pgAdmin, monitor, log, identity } = ctx;
  const database = `bench_${runId}_${spec.label.replace(/\W/g, '_')}`;
  const prefix = `bench.${runId}.${spec.label}.`;
  const cleanups = [];
  const defer = ctx.defer ?? ((fn) => fn);
  // the registered users, their VPAs and the audit trail of it all, as the users service left them
  await createDatabase(pgAdmin, database, identity.database);
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
    // what the users service published while they signed up: every service of the system learns it
    await copyTopic(ctx.kafka, kafkaAdmin, `${identity.prefix}users.user-events`, `${prefix}users.user-events`);
    // enough money for any payer's payments in the run, and a daily limit that never refuses them
    const funding = fundingPerPayer(config, identity.payerPool);
    const env = {
      KAFKA_BROKERS: ctx.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      DATABASE_URL: databaseUrl(database),
      FRAUD_BLOCKED_VPAS: BLOCKED_VPAS.join(','),
      LEDGER_DAILY_LIMIT: formatPaise(funding),
      BENCH_PAYMENT_COLUMNS: paymentColumns.join(','),
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      ...usersEnv(identity, prefix),
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
    if (spec.system === 'ours') await putProducts(system.urls.inventory, identity.operatorToken, PRODUCTS);
    else await seedProducts(database, PRODUCTS);
    client = await connect(database);
    cleanups.push(defer(() => client.end()));

    // Every payer and payee known to payments and holding an account at the ledger before anything
    // is measured (an outcome waited for, not a pause), every payer funded, and the refusals
    // payments owes checked.
    const { payerPool, payees, file: identities, registered } = identity;
    await untilServicesKnowUsers(client, kafkaAdmin, prefix, ['payments', 'ledger']);
    log(`${spec.label}: funding ${payerPool + BLOCKED_VPAS.length} payers with ₹${formatPaise(funding)} each`);
    const funded = await fundPayers({
      system: spec.system,
      client,
      ledgerUrl: system.urls.ledger,
      operatorToken: identity.operatorToken,
      vpas: payersOf(payerPool),
      amountPaise: funding,
    });
    const access = await probeAccess(system.urls.payments, identities);
    if (access.noToken !== 401 || access.notOwned !== 403 || access.unknownPayee !== 422) {
      log(`${spec.label}: WARNING: refusals answered ${JSON.stringify(access)}, expected 401, 403, 422`);
    }

    const started = Date.now();
    sampler = new Sampler({ processes: { ...system.pids, ...spec.processes }, pg: monitor, database, admin: kafkaAdmin, prefix });
    sampler.start();
    const url = system.urls.payments;
    const load = (options) => runLoad(paths, { url, connections: 64, identities, payerPool, payees, ...options }, ctx.onChild);

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
    // after every phase: the ledger against the payments, once they are final and settled (not measured)
    const ledger = { funded, ...(await checkLedger(client, config.drainS * 1000)) };
    if (!ledger.conserved || ledger.posted !== ledger.succeeded || ledger.failedNotVoided || ledger.heldMismatch || ledger.negativeAccounts)
      log(`${spec.label}: WARNING: the ledger disagrees with the payments: ${JSON.stringify(ledger)}`);
    // and the disputes service's projection of the payments against them (not measured either)
    const disputes = await checkDisputes(client, config.drainS * 1000);
    if (disputes.missing || disputes.differing || disputes.tracked !== disputes.payments)
      log(`${spec.label}: WARNING: the disputes service's payments disagree with the payments: ${JSON.stringify(disputes)}`);

    const cpuSeconds = { ...window.cpuSeconds, loadgen: round1(e2eLoad.self.cpuSeconds) };
    const peakRssMb = { ...whole.peakRssMb, loadgen: Math.max(e2eLoad.self.peakRssMb, intake?.self.peakRssMb ?? 0) };
    const total = [...SERVICES, USERS, 'kafka', 'postgres', 'redis'].reduce((s, n) => s + (cpuSeconds[n] ?? 0), 0);
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
        access,
        ledger,
        disputes,
        registration: registered,
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
