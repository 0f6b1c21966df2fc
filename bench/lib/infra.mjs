// What the benchmark runs on: the Kafka broker (its own on free ports unless KAFKA_BROKERS is
// set), PostgreSQL (DATABASE_URL's server; one database per system and run), an optional Zipkin,
// and the schemas of the two peers (made by the project's own migrations, so that every system
// writes exactly the same tables).

import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { connect as connectTcp } from 'node:net';
import pg from 'pg';
import { startKafka } from '../../scripts/lib/kafka-broker.mjs';
import { KAFKA_VERSION } from '../../scripts/lib/kafka-config.mjs';
import { freePort } from '../../scripts/lib/ports.mjs';
import { startZipkin } from '../../scripts/lib/zipkin-server.mjs';

/** The services each system implements itself. */
export const SERVICES = ['payments', 'fraud', 'notifications', 'inventory', 'analytics', 'ledger', 'disputes'];
/**
 * The identity provider of every system: the project's users service (from the build under test),
 * which issues the tokens all three verify and publishes who holds which VPA.
 */
export const USERS = 'users';
export const TOPICS = [
  'payments.payment-events',
  'fraud.fraud-events',
  'inventory.inventory-events',
  'notifications.notification-events',
  'analytics.analytics-events',
  'ledger.ledger-events',
  'disputes.dispute-events',
  'users.user-events',
  'audit.operator-actions',
];
/** What "ours" creates by default (KAFKA_PARTITIONS); the peers' topics get the same. */
export const PARTITIONS = 6;
/** The harness's own connections are left out of the measured PostgreSQL backends. */
export const HARNESS_APP = 'bench-harness';

/** The broker: KAFKA_BROKERS if set (not measured, not stopped), else a private one. */
export async function startBroker(log) {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, external: true, version: `${KAFKA_VERSION}?` };
  const dataDir = mkdtempSync(join(tmpdir(), 'payments-bench-kafka-'));
  log(`starting a private Kafka ${KAFKA_VERSION} broker ...`);
  const kafka = await startKafka({ port: await freePort(), controllerPort: await freePort(), dataDir, quiet: true, stopWithParent: true });
  return {
    brokers: kafka.brokers,
    pid: kafka.pid,
    version: KAFKA_VERSION,
    external: false,
    stop: async () => {
      await kafka.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A Zipkin of this run, on a free port, so that exporting spans costs what it really costs. */
export async function startPrivateZipkin(log) {
  const dataDir = mkdtempSync(join(tmpdir(), 'payments-bench-zipkin-'));
  log('starting a private Zipkin ...');
  const zipkin = await startZipkin({ port: 0, dataDir, quiet: true, stopWithParent: true });
  return {
    spansEndpoint: zipkin.spansEndpoint,
    pid: zipkin.pid,
    stop: async () => {
      await zipkin.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The pid of the Redis server at REDIS_URL (where ours counts its rate limits), when it runs on
 * this machine, so that its CPU is measured too; undefined otherwise. Asked with INFO over RESP.
 */
export async function redisPid() {
  const url = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname)) return undefined;
  const info = await new Promise((resolve) => {
    const socket = connectTcp({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 6379) });
    let text = '';
    const done = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(2000, () => done(''));
    socket.on('error', () => done(''));
    socket.on('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      text += chunk;
      if (/process_id:\d+/.test(text)) done(text);
    });
  });
  const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
  return pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
}

/** DATABASE_URL with another database name. */
export function databaseUrl(name) {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/payments');
  url.pathname = `/${name}`;
  return url.toString();
}

export async function connect(database) {
  const client = new pg.Client({ connectionString: databaseUrl(database), application_name: HARNESS_APP });
  await client.connect();
  return client;
}

/** A new database, empty or a copy of `template` (which nobody may be connected to meanwhile). */
export async function createDatabase(admin, name, template) {
  await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
}

export async function dropDatabase(admin, name) {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

/**
 * Creates the seven schemas of a peer with the migrations the services themselves run (from the
 * build being benchmarked), through a stand-in for TypeORM's QueryRunner that only needs query().
 */
export async function migratePeerDatabase(distRoot, database) {
  const require = createRequire(import.meta.url);
  const client = await connect(database);
  try {
    const { MESSAGING_MIGRATIONS } = require(join(distRoot, 'libs/messaging/src/migrations.js'));
    for (const service of SERVICES) {
      const dir = join(distRoot, 'apps', service, 'src/migrations');
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.js'))
        .sort();
      const classes = [...MESSAGING_MIGRATIONS, ...files.flatMap((f) => Object.values(require(join(dir, f))))];
      await client.query(`CREATE SCHEMA "${service}"`);
      await client.query(`SET search_path TO "${service}"`);
      const runner = { query: (sql, params) => client.query(sql, params).then((r) => r.rows) };
      for (const Migration of classes) {
        if (typeof Migration !== 'function') continue;
        await client.query('BEGIN');
        await new Migration().up(runner);
        await client.query('COMMIT');
      }
    }
    // the peers adapt to columns that later migrations added (same writes as the service of this build)
    const { rows } = await client.query(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'payments' AND table_name = 'payments'",
    );
    return { paymentColumns: rows.map((r) => r.column_name) };
  } finally {
    await client.end();
  }
}

/** The products, written as rows (the peers have no API for them; ours' operator uses its API instead). */
export async function seedProducts(database, products) {
  const client = await connect(database);
  try {
    await client.query(
      `INSERT INTO inventory.products (sku, name, stock)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[])`,
      [products.map((p) => p.sku), products.map((p) => p.name), products.map((p) => p.stock)],
    );
  } finally {
    await client.end();
  }
}

/** The event topics and the services' dead-letter topics, as the services would create them. */
export async function createTopics(admin, prefix) {
  const names = [...TOPICS, ...[...SERVICES, USERS].map((s) => `${s}.dead-letter`)];
  await admin.createTopics({
    waitForLeaders: true,
    topics: names.map((t) => ({ topic: `${prefix}${t}`, numPartitions: PARTITIONS, replicationFactor: 1 })),
  });
}

/**
 * Copies every message of topic `from` to topic `to` (same partition, key, value and headers, in
 * order), through a consumer group of its own that is deleted afterwards. Returns how many (bounded).
 */
export async function copyTopic(kafka, admin, from, to, timeoutMs = 120_000) {
  const total = (await admin.fetchTopicOffsets(from)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  if (total === 0) return 0;
  const groupId = `bench-copy-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  let copied = 0;
  let timer;
  try {
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topic: from, fromBeginning: true });
    await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`copying ${from}: ${copied} of ${total} messages after ${timeoutMs} ms`)), timeoutMs);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            const messages = batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers, partition: batch.partition }));
            await producer.send({ topic: to, acks: -1, messages });
            copied += messages.length;
            if (copied >= total) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await Promise.all([consumer.disconnect(), producer.disconnect()]).catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return copied;
}

/** Removes the topics and consumer groups of a prefix (on a shared broker, nothing is left behind). */
export async function deleteKafkaPrefix(admin, prefix) {
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
  const { groups } = await admin.listGroups();
  const ids = groups.map((g) => g.groupId).filter((id) => id.startsWith(prefix));
  if (ids.length) await admin.deleteGroups(ids).catch(() => undefined);
}
