// The raw peer's runtime: the same writes and events as the project's services, with no framework.
// node:http, kafkajs consuming in batches (eachBatch) and producing in batches, and pg with
// multi-row SQL. One database transaction per consumed batch records the event ids (inbox), does
// the service's work and writes the events it causes (outbox); after the commit those events are
// sent (idempotent producer, acks=all, batched across transactions) and their outbox rows deleted.
// Same durability as the project: synchronous_commit on, acks=all, nothing published that was not
// committed, nothing committed that is not eventually published (a sweep retries what is left).

import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

export const SERVICE = process.env.BENCH_SERVICE;
const PREFIX = process.env.KAFKA_TOPIC_PREFIX ?? '';
/** Logical topic names, as in libs/contracts. */
export const Topics = {
  payments: 'payments.payment-events',
  fraud: 'fraud.fraud-events',
  inventory: 'inventory.inventory-events',
  notifications: 'notifications.notification-events',
  analytics: 'analytics.analytics-events',
  ledger: 'ledger.ledger-events',
  users: 'users.user-events',
};
const TOPIC_OF = {
  PaymentInitiated: Topics.payments,
  PaymentSucceeded: Topics.payments,
  PaymentFailed: Topics.payments,
  FraudAssessed: Topics.fraud,
  StockReserved: Topics.inventory,
  StockRejected: Topics.inventory,
  StockCommitted: Topics.inventory,
  StockReleased: Topics.inventory,
  PaymentNotified: Topics.notifications,
  PaymentRecorded: Topics.analytics,
  FundsReserved: Topics.ledger,
  FundsRejected: Topics.ledger,
  FundsSettled: Topics.ledger,
  FundsReleased: Topics.ledger,
};

export const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  options: `-c search_path=${SERVICE}`,
  application_name: `raw-${SERVICE}`,
});

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const kafka = new Kafka({ clientId: `raw-${SERVICE}`, brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.WARN });
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });

/** The events whose current version in libs/contracts is 2 (they carry the parties' user ids). */
const VERSION_2 = new Set(['PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed']);

export function createEvent(type, paymentId, payload, occurredAt = new Date()) {
  const schemaVersion = VERSION_2.has(type) ? 2 : 1;
  return { eventId: randomUUID(), type, schemaVersion, paymentId, occurredAt: occurredAt.toISOString(), producer: SERVICE, payload };
}

/** Rows as one jsonb parameter, to be read back with jsonb_to_recordset: one statement for many rows. */
export const rows = (list) => JSON.stringify(list);

/** Consecutive events that one statement can handle together, in order: [{ key, events }]. */
export function runs(events, keyOf) {
  const out = [];
  for (const event of events) {
    const key = keyOf(event);
    if (out.length && out.at(-1).key === key) out.at(-1).events.push(event);
    else out.push({ key, events: [event] });
  }
  return out;
}

/** Writes events to the outbox in the caller's transaction; returns the rows' ids. */
async function addToOutbox(client, events) {
  if (!events.length) return [];
  const { rows: inserted } = await client.query(
    `INSERT INTO outbox (event_id, event_type, topic, message_key, value)
     SELECT event_id, event_type, topic, message_key, value
       FROM jsonb_to_recordset($1::jsonb) AS v(event_id uuid, event_type text, topic text, message_key text, value text)
     RETURNING id`,
    [
      rows(
        events.map((e) => ({
          event_id: e.eventId,
          event_type: e.type,
          topic: TOPIC_OF[e.type],
          message_key: e.paymentId,
          value: JSON.stringify(e),
        })),
      ),
    ],
  );
  return inserted.map((r) => r.id);
}

/** Sends committed events (one request per topic batch), then deletes their outbox rows. */
async function publish(events, outboxIds) {
  if (!events.length) return;
  const byTopic = new Map();
  for (const e of events) {
    const topic = `${PREFIX}${TOPIC_OF[e.type]}`;
    if (!byTopic.has(topic)) byTopic.set(topic, []);
    byTopic.get(topic).push({ key: e.paymentId, value: JSON.stringify(e), headers: { 'event-type': e.type } });
  }
  await producer.sendBatch({
    acks: -1,
    compression: CompressionTypes.None,
    topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
  });
  await pool.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [outboxIds]);
}

// Committed events wait here, in commit order, for the one publishing loop: whatever committed
// while a send was in flight goes out together in the next one (batching across transactions).
const unsent = [];
let unsentCount = 0;
let pumping;

function schedulePublish(events, ids) {
  if (!events.length) return;
  unsent.push({ events, ids });
  unsentCount += events.length;
  kick();
}

function kick() {
  pumping ??= pump().finally(() => {
    pumping = undefined;
    if (unsent.length) kick(); // queued between the loop's last check and here
  });
}

async function pump() {
  while (unsent.length) {
    const taken = unsent.splice(0);
    const events = taken.flatMap((t) => t.events);
    try {
      await publish(
        events,
        taken.flatMap((t) => t.ids),
      );
    } catch (error) {
      console.error(`publish failed (left in the outbox for the sweep): ${error.message}`);
    } finally {
      unsentCount -= events.length;
    }
  }
}

/** Publishes what is left in the outbox: after a crash, or a send that failed (oldest first). */
async function sweepOutbox(olderThanMs = 0) {
  const { rows: left } = await pool.query(
    "SELECT id, value FROM outbox WHERE created_at < now() - $1 * interval '1 millisecond' ORDER BY id LIMIT 5000",
    [olderThanMs],
  );
  if (left.length)
    await publish(
      left.map((r) => JSON.parse(r.value)),
      left.map((r) => r.id),
    );
}

const TRANSIENT = new Set(['40001', '40P01', '23505']); // serialization, deadlock, a racing duplicate

/**
 * Runs `work(client)` in one transaction, writes the events it returns to the outbox in the same
 * transaction and commits; the events are then published in the background (after the commit,
 * never before). Retries a transaction that lost a race. Waits first while too much is unsent.
 */
export async function transact(work) {
  while (unsentCount > 20_000 && pumping) await pumping;
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let events;
    let ids;
    try {
      await client.query('BEGIN');
      events = (await work(client)) ?? [];
      ids = await addToOutbox(client, events);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt < 5 && TRANSIENT.has(error.code)) continue;
      throw error;
    } finally {
      client.release();
    }
    schedulePublish(events, ids);
    return events;
  }
}

/** Records the event ids in the inbox; returns the events not seen before (in order). */
async function claim(client, events) {
  const { rows: claimed } = await client.query(
    `INSERT INTO processed_events (event_id, event_type)
     SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING RETURNING event_id`,
    [events.map((e) => e.eventId), events.map((e) => e.type)],
  );
  const fresh = new Set(claimed.map((r) => r.event_id));
  return events.filter((e) => fresh.delete(e.eventId));
}

let running = false;
let consumer;

/**
 * The service: consumes `topics` in batches, hands the new events of `types` to
 * `handle(client, events)` (inside the batch's transaction; it returns the events to publish),
 * and serves GET /health/ready plus the `routes` given (method + path → node:http handler).
 */
export async function runService({ topics = [], types = new Set(), handle, routes = {} }) {
  await producer.connect();
  await sweepOutbox();
  const sweeper = setInterval(() => void sweepOutbox(5000).catch(() => undefined), 2000);
  const server = http.createServer((req, res) => {
    const route = routes[`${req.method} ${req.url}`];
    if (route) return route(req, res);
    if (req.url === '/health/ready' || req.url === '/health/live') {
      res.writeHead(running || req.url === '/health/live' ? 200 : 503, { 'content-type': 'application/json' });
      return res.end('{"status":"ok"}');
    }
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 65_000;
  if (topics.length) {
    consumer = kafka.consumer({ groupId: `${PREFIX}${SERVICE}`, allowAutoTopicCreation: false, sessionTimeout: 30_000 });
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((t) => `${PREFIX}${t}`), fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch }) => {
        const events = [];
        for (const message of batch.messages) {
          try {
            const event = JSON.parse(message.value.toString());
            if (types.has(event.type)) events.push(event);
          } catch {
            /* not an event: nothing to do for this peer */
          }
        }
        if (events.length) {
          await transact(async (client) => {
            const fresh = await claim(client, events);
            return fresh.length ? handle(client, fresh) : [];
          });
        }
      },
    });
  }
  await new Promise((resolve) =>
    server.listen(Number(process.env[`${SERVICE.toUpperCase()}_PORT`]), process.env.HOST ?? '127.0.0.1', resolve),
  );
  running = true;
  const shutdown = async () => {
    running = false;
    clearInterval(sweeper);
    server.close();
    server.closeAllConnections?.();
    await consumer?.disconnect().catch(() => undefined);
    await pumping;
    await producer.disconnect().catch(() => undefined);
    await pool.end().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** Paise as the API's decimal string. */
export function formatPaise(paise) {
  return `${Math.trunc(paise / 100)}.${String(paise % 100).padStart(2, '0')}`;
}
