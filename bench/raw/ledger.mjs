// Raw peer, ledger: an account per linked VPA (from the users service's events), and per consumed
// batch of payment events: the accounts locked in vpa order (one statement), the holds in payment
// id order, the batch folded in memory in order (hold on PaymentInitiated, post on PaymentSucceeded,
// void on PaymentFailed), then written with one statement per table. Same tables as the service:
// accounts, holds, daily_spend, entries, outbox, processed_events.

import { createEvent, rows, runService, Topics } from './common.mjs';

/** What a payer may debit (held or posted) on one India day, in paise (LEDGER_DAILY_LIMIT, rupees). */
const DAILY_LIMIT = (() => {
  const [rupees, fraction = ''] = (process.env.LEDGER_DAILY_LIMIT ?? '100000.00').trim().split('.');
  return Number(rupees) * 100 + Number(fraction.padEnd(2, '0'));
})();
const IST_OFFSET_MS = (5 * 60 + 30) * 60 * 1000;
/** The calendar day in India (UTC+05:30 all year) at an ISO time, YYYY-MM-DD. */
const indiaDay = (iso) => new Date(Date.parse(iso) + IST_OFFSET_MS).toISOString().slice(0, 10);
const byKey = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

// --- accounts, from the users service's events ------------------------------------------------------
const USER_EVENTS = new Set(['VpaLinked', 'VpaUnlinked', 'UserDeregistered']);

/** A batch of user events: the last fact per VPA in one upsert (a newer stored fact wins), then the de-registrations. */
async function trackAccounts(client, events) {
  const facts = new Map();
  for (const e of events) {
    if (e.type === 'VpaLinked') facts.set(e.payload.vpa, { vpa: e.payload.vpa, user_id: e.userId, linked: true, at: e.payload.linkedAt });
    if (e.type === 'VpaUnlinked')
      facts.set(e.payload.vpa, { vpa: e.payload.vpa, user_id: e.userId, linked: false, at: e.payload.unlinkedAt });
  }
  const gone = events.filter((e) => e.type === 'UserDeregistered');
  // the accounts concerned locked first, in vpa order, like a batch of payments locks them
  await client.query('SELECT 1 FROM accounts WHERE vpa = ANY($1::text[]) OR user_id = ANY($2::uuid[]) ORDER BY vpa FOR UPDATE', [
    [...facts.keys()],
    gone.map((e) => e.userId),
  ]);
  if (facts.size) {
    await client.query(
      `INSERT INTO accounts AS a (vpa, user_id, status, as_of, opened_at, closed_at)
       SELECT vpa, user_id, CASE WHEN linked THEN 'OPEN' ELSE 'CLOSED' END, at, at, CASE WHEN linked THEN NULL ELSE at END
         FROM jsonb_to_recordset($1::jsonb) AS v(vpa text, user_id uuid, linked boolean, at timestamptz) ORDER BY vpa
       ON CONFLICT (vpa) DO UPDATE SET user_id = excluded.user_id, status = excluded.status, as_of = excluded.as_of,
              closed_at = excluded.closed_at
        WHERE excluded.as_of > a.as_of`,
      [rows([...facts.values()].sort((a, b) => byKey(a.vpa, b.vpa)))],
    );
  }
  for (const e of gone) {
    await client.query(
      "UPDATE accounts SET status = 'CLOSED', as_of = $2, closed_at = $2 WHERE user_id = $1 AND status = 'OPEN' AND as_of <= $2",
      [e.userId, e.payload.deregisteredAt],
    );
  }
}

// --- holds, posting and voiding ----------------------------------------------------------------------
const spendKey = (vpa, day) => `${vpa} ${day}`;

/** Why a payment cannot hold its amount, in the service's order; null when it can. */
function rejectionOf(payer, payee, amount, spent) {
  if (payer?.status !== 'OPEN' || payee?.status !== 'OPEN') return 'ACCOUNT_CLOSED';
  if (payer.credits - payer.debits - payer.pending < amount) return 'INSUFFICIENT_FUNDS';
  if (spent + amount > DAILY_LIMIT) return 'DAILY_LIMIT_EXCEEDED';
  return null;
}

/** A batch of payment events, folded in order over the rows it locked; returns the ledger's events. */
async function applyPayments(client, events) {
  const facts = events.map((e) => ({
    type: e.type,
    paymentId: e.paymentId,
    payer: e.payload.payerVpa.toLowerCase(),
    payee: e.payload.payeeVpa.toLowerCase(),
    amount: e.payload.amountPaise,
    day: indiaDay(e.payload.createdAt),
  }));
  const vpas = [...new Set(facts.flatMap((f) => [f.payer, f.payee]))].sort(byKey);
  const { rows: lockedAccounts } = await client.query(
    `SELECT vpa, status, credits_posted::float8 AS credits, debits_posted::float8 AS debits, debits_pending::float8 AS pending
       FROM accounts WHERE vpa = ANY($1::text[]) ORDER BY vpa FOR UPDATE`,
    [vpas],
  );
  const { rows: lockedHolds } = await client.query(
    `SELECT payment_id, payer_vpa AS payer, payee_vpa AS payee, amount_paise::float8 AS amount, day::text AS day, status
       FROM holds WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
    [[...new Set(facts.map((f) => f.paymentId))].sort(byKey)],
  );
  const keys = [
    ...facts.filter((f) => f.type === 'PaymentInitiated').map((f) => ({ vpa: f.payer, day: f.day })),
    ...lockedHolds.map((h) => ({ vpa: h.payer, day: h.day })),
  ];
  const { rows: spent } = await client.query(
    `SELECT s.vpa, s.day::text AS day, s.amount_paise::float8 AS amount
       FROM daily_spend s JOIN jsonb_to_recordset($1::jsonb) AS k(vpa text, day date) ON s.vpa = k.vpa AND s.day = k.day`,
    [rows(keys)],
  );
  const accounts = new Map(lockedAccounts.map((a) => [a.vpa, a]));
  const holds = new Map(lockedHolds.map((h) => [h.payment_id, h]));
  const spend = new Map(spent.map((s) => [spendKey(s.vpa, s.day), s.amount]));
  const changedAccounts = new Set();
  const changedHolds = new Set();
  const changedSpend = new Set();
  const entries = [];
  const out = [];
  const at = new Date().toISOString();
  const money = (h) => ({ payerVpa: h.payer, payeeVpa: h.payee, amountPaise: h.amount });
  const addSpend = (vpa, day, amount) => {
    const key = spendKey(vpa, day);
    spend.set(key, (spend.get(key) ?? 0) + amount);
    changedSpend.add(key);
  };
  for (const f of facts) {
    const hold = holds.get(f.paymentId);
    if (f.type === 'PaymentInitiated') {
      if (hold) continue; // decided already
      const h = { payment_id: f.paymentId, payer: f.payer, payee: f.payee, amount: f.amount, day: f.day, status: 'PENDING', reason: null };
      const payer = accounts.get(f.payer);
      const reason = rejectionOf(payer, accounts.get(f.payee), f.amount, spend.get(spendKey(f.payer, f.day)) ?? 0);
      if (reason) {
        Object.assign(h, { status: 'REJECTED', reason });
        out.push(createEvent('FundsRejected', f.paymentId, { ...money(h), reason, rejectedAt: at }));
      } else {
        payer.pending += f.amount;
        changedAccounts.add(payer.vpa);
        addSpend(f.payer, f.day, f.amount);
        out.push(createEvent('FundsReserved', f.paymentId, { ...money(h), reservedAt: at }));
      }
      holds.set(f.paymentId, h);
      changedHolds.add(f.paymentId);
    } else if (f.type === 'PaymentSucceeded') {
      if (hold?.status !== 'PENDING') {
        if (hold?.status !== 'POSTED') console.error(`payment ${f.paymentId} succeeded but its hold is ${hold?.status ?? 'missing'}`);
        continue;
      }
      const payer = accounts.get(hold.payer);
      const payee = accounts.get(hold.payee);
      payer.pending -= hold.amount;
      payer.debits += hold.amount;
      payee.credits += hold.amount;
      changedAccounts.add(payer.vpa).add(payee.vpa);
      const side = { amount_paise: hold.amount, payment_id: hold.payment_id, transfer_id: hold.payment_id };
      entries.push(
        { ...side, vpa: payer.vpa, kind: 'PAYMENT_DEBIT', balance_after: payer.credits - payer.debits },
        { ...side, vpa: payee.vpa, kind: 'PAYMENT_CREDIT', balance_after: payee.credits - payee.debits },
      );
      hold.status = 'POSTED';
      changedHolds.add(hold.payment_id);
      out.push(createEvent('FundsSettled', f.paymentId, { ...money(hold), settledAt: at }));
    } else if (hold?.status === 'PENDING') {
      const payer = accounts.get(hold.payer);
      payer.pending -= hold.amount;
      changedAccounts.add(payer.vpa);
      addSpend(hold.payer, hold.day, -hold.amount);
      hold.status = 'VOIDED';
      changedHolds.add(hold.payment_id);
      out.push(createEvent('FundsReleased', f.paymentId, { ...money(hold), releasedAt: at }));
    } else if (!hold) {
      // failed before it was initiated here (out of order): a marker, so that the initiation holds nothing
      holds.set(f.paymentId, { payment_id: f.paymentId, payer: f.payer, payee: f.payee, amount: f.amount, day: f.day, status: 'VOIDED' });
      changedHolds.add(f.paymentId);
    }
  }
  if (changedAccounts.size) {
    await client.query(
      `UPDATE accounts a SET credits_posted = v.credits, debits_posted = v.debits, debits_pending = v.pending
         FROM jsonb_to_recordset($1::jsonb) AS v(vpa text, credits bigint, debits bigint, pending bigint) WHERE a.vpa = v.vpa`,
      [rows([...changedAccounts].map((vpa) => accounts.get(vpa)))],
    );
  }
  if (changedHolds.size) {
    await client.query(
      `INSERT INTO holds AS h (id, kind, payment_id, payer_vpa, payee_vpa, amount_paise, day, status, reason)
       SELECT payment_id, 'PAYMENT', payment_id, payer, payee, amount, day, status, reason
         FROM jsonb_to_recordset($1::jsonb) AS v(payment_id uuid, payer text, payee text, amount bigint, day date, status text, reason text)
        ORDER BY payment_id
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = now() WHERE h.status <> excluded.status`,
      [rows([...changedHolds].map((id) => holds.get(id)))],
    );
  }
  if (changedSpend.size) {
    await client.query(
      `INSERT INTO daily_spend (vpa, day, amount_paise) SELECT vpa, day, amount FROM jsonb_to_recordset($1::jsonb) AS v(vpa text, day date, amount bigint)
       ON CONFLICT (vpa, day) DO UPDATE SET amount_paise = excluded.amount_paise`,
      [
        rows(
          [...changedSpend].map((key) => {
            const [vpa, day] = key.split(' ');
            return { vpa, day, amount: spend.get(key) };
          }),
        ),
      ],
    );
  }
  if (entries.length) {
    await client.query(
      `INSERT INTO entries (vpa, kind, amount_paise, balance_after, payment_id, transfer_id)
       SELECT vpa, kind, amount_paise, balance_after, payment_id, transfer_id
         FROM jsonb_to_recordset($1::jsonb) AS v(n int, vpa text, kind text, amount_paise bigint, balance_after bigint, payment_id uuid, transfer_id uuid)
        ORDER BY n`,
      [rows(entries.map((e, n) => ({ ...e, n })))],
    );
  }
  return out;
}

await runService({
  topics: [Topics.payments, Topics.users],
  types: new Set(['PaymentInitiated', 'PaymentSucceeded', 'PaymentFailed', ...USER_EVENTS]),
  // a consumed batch is one partition's: of user events, or of payment events
  handle: async (client, events) => {
    const users = events.filter((e) => USER_EVENTS.has(e.type));
    if (users.length) await trackAccounts(client, users);
    const payments = events.filter((e) => !USER_EVENTS.has(e.type));
    return payments.length ? applyPayments(client, payments) : [];
  },
});
