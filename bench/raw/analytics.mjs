// Raw peer, analytics: every lifecycle event as it arrived, and one fact row per payment that
// becomes final once (then PaymentRecorded). Same tables as the service: lifecycle_events,
// payment_facts, outbox, processed_events.

import { createEvent, rows, runs, runService, Topics } from './common.mjs';

const FINAL = new Set(['PaymentSucceeded', 'PaymentFailed']);
const latency = (p) => Math.min(Math.max(Date.parse(p.completedAt) - Date.parse(p.createdAt), 0), 2 ** 31 - 1);

async function record(client, events) {
  await client.query(
    `INSERT INTO lifecycle_events (event_id, payment_id, type, schema_version, occurred_at, producer, payload)
     SELECT * FROM jsonb_to_recordset($1::jsonb)
              AS v(event_id uuid, payment_id uuid, type text, schema_version int, occurred_at timestamptz, producer text, payload jsonb)
     ON CONFLICT (event_id) DO NOTHING`,
    [
      rows(
        events.map((e) => ({
          event_id: e.eventId,
          payment_id: e.paymentId,
          type: e.type,
          schema_version: e.schemaVersion,
          occurred_at: e.occurredAt,
          producer: e.producer,
          payload: e.payload,
        })),
      ),
    ],
  );
  const out = [];
  // All initiations first, then all final events: the same result as one by one, since a payment's
  // final event always follows its initiation (same key, same partition), and payments are independent.
  const ordered = [...events.filter((e) => e.type === 'PaymentInitiated'), ...events.filter((e) => FINAL.has(e.type))];
  for (const run of runs(ordered, (e) => (e.type === 'PaymentInitiated' ? 'initiated' : 'final'))) {
    if (run.key === 'initiated') {
      await client.query(
        `INSERT INTO payment_facts (payment_id, created_at, status, amount_paise)
         SELECT payment_id, created_at, 'PENDING', amount_paise FROM jsonb_to_recordset($1::jsonb) AS v(payment_id uuid, created_at timestamptz, amount_paise bigint)
         ON CONFLICT (payment_id) DO NOTHING`,
        [rows(run.events.map((e) => ({ payment_id: e.paymentId, created_at: e.payload.createdAt, amount_paise: e.payload.amountPaise })))],
      );
    } else if (run.key === 'final') {
      // one row per payment in one statement (ON CONFLICT DO UPDATE may touch a row once): the first final event counts
      const first = new Map();
      for (const e of run.events) if (!first.has(e.paymentId)) first.set(e.paymentId, e);
      const facts = [...first.values()].map((e) => ({
        payment_id: e.paymentId,
        created_at: e.payload.createdAt,
        status: e.type === 'PaymentSucceeded' ? 'SUCCEEDED' : 'FAILED',
        failure_reason: e.payload.failureReason ?? null,
        amount_paise: e.payload.amountPaise,
        completed_at: e.payload.completedAt,
        latency_ms: latency(e.payload),
      }));
      const { rows: changed } = await client.query(
        `INSERT INTO payment_facts (payment_id, created_at, status, failure_reason, amount_paise, completed_at, latency_ms)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(payment_id uuid, created_at timestamptz, status text, failure_reason text,
                                                          amount_paise bigint, completed_at timestamptz, latency_ms int)
         ON CONFLICT (payment_id) DO UPDATE
           SET status = EXCLUDED.status, failure_reason = EXCLUDED.failure_reason, completed_at = EXCLUDED.completed_at, latency_ms = EXCLUDED.latency_ms
         WHERE payment_facts.status = 'PENDING'
         RETURNING payment_id`,
        [rows(facts)],
      );
      const recorded = new Set(changed.map((r) => r.payment_id));
      out.push(
        ...facts
          .filter((f) => recorded.has(f.payment_id))
          .map((f) => createEvent('PaymentRecorded', f.payment_id, { status: f.status, latencyMs: f.latency_ms })),
      );
    }
  }
  return out;
}

await runService({
  topics: Object.values(Topics),
  types: new Set([
    'PaymentInitiated',
    'PaymentSucceeded',
    'PaymentFailed',
    'FraudAssessed',
    'StockReserved',
    'StockRejected',
    'StockCommitted',
    'StockReleased',
    'FundsReserved',
    'FundsRejected',
    'FundsSettled',
    'FundsReleased',
    'PaymentNotified',
    'PaymentRecorded',
  ]),
  handle: record,
});
