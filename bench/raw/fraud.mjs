// Raw peer, fraud: assesses initiated payments in batches (blocklist, velocity, high amount to a new
// payee) and remembers payees paid successfully. Same tables as the service: assessments,
// seen_payments, known_payees, outbox, processed_events.

import { createEvent, rows, runService, Topics } from './common.mjs';

const BLOCKED = new Set(
  (process.env.FRAUD_BLOCKED_VPAS ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean),
);
const LIMIT = Number(process.env.FRAUD_VELOCITY_LIMIT ?? 10);
const WINDOW_MS = Number(process.env.FRAUD_VELOCITY_WINDOW_S ?? 60) * 1000;
const HIGH_AMOUNT_PAISE = 1_000_000; // FRAUD_HIGH_AMOUNT "10000.00"
const WEIGHTS = { BLOCKLISTED: 100, VELOCITY: 70, HIGH_AMOUNT_NEW_PAYEE: 60 };

/**
 * One batch of initiated payments. The payers' advisory locks (taken in sorted order, so two
 * batches never deadlock) make the velocity count exact across partitions, as in the service;
 * payments of one payer within the batch count each other too.
 */
async function assess(client, events, knownBefore) {
  const ids = events.map((e) => e.paymentId);
  const { rows: done } = await client.query('SELECT payment_id FROM assessments WHERE payment_id = ANY($1::uuid[])', [ids]);
  const decided = new Set(done.map((r) => r.payment_id));
  const todo = events.filter((e) => !decided.has(e.paymentId) && decided.add(e.paymentId));
  if (!todo.length) return [];
  const list = todo.map((e) => {
    const at = Date.parse(e.payload.createdAt);
    return {
      id: e.paymentId,
      payer: e.payload.payerVpa.toLowerCase(),
      payee: e.payload.payeeVpa.toLowerCase(),
      at,
      after: new Date(at - WINDOW_MS).toISOString(),
      before: new Date(at + WINDOW_MS).toISOString(),
    };
  });
  const payers = [...new Set(list.map((p) => p.payer))].sort();
  await client.query(
    "SELECT pg_advisory_xact_lock(hashtext('velocity:' || p)) FROM unnest($1::text[]) WITH ORDINALITY AS u(p, n) ORDER BY n",
    [payers],
  );
  const { rows: counts } = await client.query(
    `SELECT v.id, (SELECT count(*)::int FROM seen_payments s
                    WHERE s.payer_vpa = v.payer AND s.created_at > v.after AND s.created_at < v.before AND s.payment_id <> v.id) AS recent
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, payer text, after timestamptz, before timestamptz)`,
    [rows(list)],
  );
  const recent = new Map(counts.map((r) => [r.id, r.recent]));
  const { rows: known } = await client.query(
    `SELECT k.payer_vpa, k.payee_vpa FROM known_payees k
       JOIN jsonb_to_recordset($1::jsonb) AS v(payer text, payee text) ON k.payer_vpa = v.payer AND k.payee_vpa = v.payee`,
    [rows(list)],
  );
  const knownPairs = new Set(known.map((k) => `${k.payer_vpa} ${k.payee_vpa}`));
  const assessedAt = new Date();
  const earlierOfPayer = new Map();
  const verdicts = list.map((p, index) => {
    const times = earlierOfPayer.get(p.payer) ?? [];
    const earlier = times.filter((at) => Math.abs(at - p.at) < WINDOW_MS).length;
    earlierOfPayer.set(p.payer, [...times, p.at]);
    const amount = todo[index].payload.amountPaise;
    const fired = {
      BLOCKLISTED: BLOCKED.has(p.payer) || BLOCKED.has(p.payee),
      VELOCITY: recent.get(p.id) + earlier >= LIMIT,
      HIGH_AMOUNT_NEW_PAYEE: amount >= HIGH_AMOUNT_PAISE && !knownPairs.has(`${p.payer} ${p.payee}`) && !knownBefore(todo[index], p),
    };
    const reasons = Object.keys(WEIGHTS).filter((r) => fired[r]);
    const score = Math.min(
      100,
      reasons.reduce((sum, r) => sum + WEIGHTS[r], 0),
    );
    return {
      payment_id: p.id,
      payer_vpa: p.payer,
      created_at: todo[index].payload.createdAt,
      decision: reasons.length ? 'REJECTED' : 'APPROVED',
      score,
      reasons,
    };
  });
  await client.query(
    `INSERT INTO seen_payments (payment_id, payer_vpa, created_at)
     SELECT payment_id, payer_vpa, created_at FROM jsonb_to_recordset($1::jsonb) AS v(payment_id uuid, payer_vpa text, created_at timestamptz)
     ON CONFLICT DO NOTHING`,
    [rows(verdicts)],
  );
  await client.query(
    `INSERT INTO assessments (payment_id, decision, score, reasons, assessed_at)
     SELECT payment_id, decision, score, reasons, $2 FROM jsonb_to_recordset($1::jsonb) AS v(payment_id uuid, decision text, score int, reasons jsonb)`,
    [rows(verdicts), assessedAt],
  );
  return verdicts.map((v) =>
    createEvent(
      'FraudAssessed',
      v.payment_id,
      { decision: v.decision, score: v.score, reasons: v.reasons, assessedAt: assessedAt.toISOString() },
      assessedAt,
    ),
  );
}

async function rememberPayees(client, events) {
  await client.query(
    `INSERT INTO known_payees (payer_vpa, payee_vpa, first_paid_at)
     SELECT payer, payee, min(paid_at) FROM jsonb_to_recordset($1::jsonb) AS v(payer text, payee text, paid_at timestamptz)
      GROUP BY payer, payee
     ON CONFLICT (payer_vpa, payee_vpa) DO NOTHING`,
    [
      rows(
        events.map((e) => ({
          payer: e.payload.payerVpa.toLowerCase(),
          payee: e.payload.payeeVpa.toLowerCase(),
          paid_at: e.payload.completedAt,
        })),
      ),
    ],
  );
  return [];
}

await runService({
  topics: [Topics.payments],
  types: new Set(['PaymentInitiated', 'PaymentSucceeded']),
  // One assessment statement set and one insert for the whole batch, with the same outcome as one
  // event at a time: a payment sees the payees paid successfully before it in the batch.
  handle: async (client, events) => {
    const position = new Map(events.map((e, i) => [e, i]));
    const paidAt = new Map();
    for (const e of events) {
      const pair = `${e.payload.payerVpa.toLowerCase()} ${e.payload.payeeVpa.toLowerCase()}`;
      if (e.type === 'PaymentSucceeded' && !paidAt.has(pair)) paidAt.set(pair, position.get(e));
    }
    const knownBefore = (event, p) => (paidAt.get(`${p.payer} ${p.payee}`) ?? Infinity) < position.get(event);
    const initiated = events.filter((e) => e.type === 'PaymentInitiated');
    const succeeded = events.filter((e) => e.type === 'PaymentSucceeded');
    const out = initiated.length ? await assess(client, initiated, knownBefore) : [];
    if (succeeded.length) await rememberPayees(client, succeeded);
    return out;
  },
});
