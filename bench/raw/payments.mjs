// Raw peer, payments: POST /v1/payments with group commit (the requests that arrive while a commit
// is running are stored together by the next one), and the saga's decision point (fraud, stock and
// the ledger's funds) in batches.
// Same tables as the service: payments, payment_timeline, outbox, processed_events, vpa_holders.
// Access as the project's: the bearer token verified with jose against the users service's JWKS
// (signature, iss, aud, exp), the payer VPA held by the token's user and the payee VPA by someone,
// as the users service's events say (kept in vpa_holders, looked up once per group commit).

import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createEvent, formatPaise, pool, rows, runService, Topics, transact } from './common.mjs';

const VPA = /^[A-Za-z0-9._-]{3,256}@[A-Za-z0-9]{2,64}$/;
const AMOUNT = /^(0|[1-9]\d{0,11})(?:\.(\d{1,2}))?$/;
const SKU = /^[A-Za-z0-9_-]{1,64}$/;
const FIELDS = new Set(['payerVpa', 'payeeVpa', 'amount', 'currency', 'note', 'items']);
const hasColumn = async (column) => {
  const { rows: found } = await pool.query(
    "SELECT 1 FROM information_schema.columns WHERE table_schema = 'payments' AND table_name = 'payments' AND column_name = $1",
    [column],
  );
  return found.length > 0;
};
const hasFraudSource = hasColumn('fraud_source');
const hasParties = hasColumn('payer_user_id');

// --- access: the token, then (in the group commit) the VPAs' holders ---------------------------
const JWKS = createRemoteJWKSet(new URL(process.env.AUTH_JWKS_URL));
const VERIFY = {
  issuer: process.env.AUTH_ISSUER,
  audience: process.env.AUTH_AUDIENCE ?? 'upi-payments',
  algorithms: ['EdDSA', 'ES256'],
  clockTolerance: 30,
};

/** The user id of a valid bearer token, or undefined. */
async function authenticate(req) {
  const match = /^Bearer +(\S+) *$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  try {
    const { payload } = await jwtVerify(match[1], JWKS, VERIFY);
    return typeof payload.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

/** The contract's rules for a new payment; the names of the offending fields, or the command. */
function validate(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { errors: ['body'] };
  const errors = Object.keys(body).filter((k) => !FIELDS.has(k));
  const { payerVpa, payeeVpa, amount, currency, note, items = [] } = body;
  if (typeof payerVpa !== 'string' || !VPA.test(payerVpa)) errors.push('payerVpa');
  if (typeof payeeVpa !== 'string' || !VPA.test(payeeVpa) || payeeVpa.toLowerCase() === String(payerVpa).toLowerCase())
    errors.push('payeeVpa');
  const m = typeof amount === 'string' && AMOUNT.exec(amount);
  const paise = m ? Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0')) : NaN;
  if (!(paise >= 100 && paise <= 10_000_000)) errors.push('amount');
  if (currency !== 'INR') errors.push('currency');
  if (note !== undefined && (typeof note !== 'string' || note.length > 50)) errors.push('note');
  const skus = new Set();
  const itemsOk =
    Array.isArray(items) &&
    (body.items === undefined || (items.length >= 1 && items.length <= 20)) &&
    items.every(
      (i) =>
        i &&
        SKU.test(i.sku) &&
        Number.isInteger(i.quantity) &&
        i.quantity >= 1 &&
        i.quantity <= 1000 &&
        Object.keys(i).length === 2 &&
        !skus.has(i.sku) &&
        skus.add(i.sku),
    );
  if (!itemsOk) errors.push('items');
  if (errors.length) return { errors };
  return { payment: { payerVpa: payerVpa.toLowerCase(), payeeVpa: payeeVpa.toLowerCase(), amountPaise: paise, note: note ?? null, items } };
}

function view(p) {
  return {
    id: p.id,
    status: 'PENDING',
    failureReason: null,
    payerVpa: p.payerVpa,
    payeeVpa: p.payeeVpa,
    amount: formatPaise(p.amountPaise),
    currency: 'INR',
    note: p.note,
    items: p.items,
    fraud: null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.createdAt.toISOString(),
    completedAt: null,
    traceId: null,
  };
}

/** What every payment event carries, from a new payment or from a stored row. */
const facts = (p) => ({
  payerVpa: p.payerVpa,
  payeeVpa: p.payeeVpa,
  amountPaise: p.amountPaise,
  currency: 'INR',
  items: p.items,
  createdAt: p.createdAt.toISOString(),
  payerUserId: p.payerUserId ?? null,
  payeeUserId: p.payeeUserId ?? null,
});
const factsOfRow = (p) =>
  facts({
    payerVpa: p.payer_vpa,
    payeeVpa: p.payee_vpa,
    amountPaise: Number(p.amount_paise),
    items: p.items,
    createdAt: p.created_at,
    payerUserId: p.payer_user_id,
    payeeUserId: p.payee_user_id,
  });

// --- intake: group commit ---------------------------------------------------------------------
const queue = [];
let committing = 0;

function flush() {
  if (committing >= 2 || queue.length === 0) return;
  const group = queue.splice(0, 1000);
  committing += 1;
  const refused = new Map(); // request → [status, code]
  transact(async (client) => {
    // who holds the group's VPAs, in one statement: the payer must be the caller, the payee someone
    const { rows: held } = await client.query('SELECT vpa, user_id FROM vpa_holders WHERE vpa = ANY($1::text[]) AND linked', [
      [...new Set(group.flatMap(({ payment: p }) => [p.payerVpa, p.payeeVpa]))],
    ]);
    const holders = new Map(held.map((h) => [h.vpa, h.user_id]));
    refused.clear(); // a transaction tried again decides again
    for (const request of group) {
      const p = request.payment;
      if (holders.get(p.payerVpa) !== request.userId) refused.set(request, [403, 'VPA.NOT_OWNED']);
      else if (!holders.has(p.payeeVpa)) refused.set(request, [422, 'PAYEE.UNKNOWN']);
      else Object.assign(p, { payerUserId: request.userId, payeeUserId: holders.get(p.payeeVpa) });
    }
    const accepted = group.filter((r) => !refused.has(r));
    if (!accepted.length) return [];
    const parties = await hasParties;
    const events = accepted.map(({ payment }) => createEvent('PaymentInitiated', payment.id, facts(payment), payment.createdAt));
    await client.query(
      `INSERT INTO payments (id, status, payer_vpa, payee_vpa, amount_paise, currency, note, items, stock_status, created_at, updated_at${
        parties ? ', payer_user_id, payee_user_id' : ''
      })
       SELECT id, 'PENDING', payer_vpa, payee_vpa, amount_paise, 'INR', note, items, stock_status, created_at, created_at${
         parties ? ', payer_user_id, payee_user_id' : ''
       }
         FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, payer_vpa text, payee_vpa text, amount_paise bigint, note text,
                                                 items jsonb, stock_status text, created_at timestamptz, payer_user_id uuid, payee_user_id uuid)`,
      [
        rows(
          accepted.map(({ payment: p }) => ({
            id: p.id,
            payer_vpa: p.payerVpa,
            payee_vpa: p.payeeVpa,
            amount_paise: p.amountPaise,
            note: p.note,
            items: p.items,
            stock_status: p.items.length ? 'PENDING' : 'NOT_REQUIRED',
            created_at: p.createdAt,
            payer_user_id: p.payerUserId,
            payee_user_id: p.payeeUserId,
          })),
        ),
      ],
    );
    await addTimeline(client, events);
    return events;
  })
    .then(
      () =>
        group.forEach((request) => {
          const refusal = refused.get(request);
          if (refusal) send(request.res, refusal[0], { code: refusal[1] });
          else send(request.res, 202, view(request.payment));
        }),
      (error) => group.forEach(({ res }) => send(res, 500, { message: error.message })),
    )
    .finally(() => {
      committing -= 1;
      flush();
    });
}

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function initiate(req, res) {
  const chunks = [];
  const caller = authenticate(req);
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const userId = await caller;
    if (!userId) {
      res.setHeader('www-authenticate', 'Bearer');
      return send(res, 401, { code: 'AUTH.TOKEN_INVALID' });
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
    } catch {
      return send(res, 400, { message: 'body: not JSON' });
    }
    const { errors, payment } = validate(body);
    if (errors) return send(res, 400, { message: errors.map((f) => `${f}: invalid`).join('; ') });
    queue.push({ payment: { ...payment, id: randomUUID(), createdAt: new Date() }, userId, res });
    if (queue.length === 1) setImmediate(flush);
    else flush();
  });
}

// --- the saga and the timeline ------------------------------------------------------------------
const SAGA = new Set(['FraudAssessed', 'StockReserved', 'StockRejected', 'FundsReserved', 'FundsRejected']);
const describe = (items) => items.map((i) => `${i.quantity} × ${i.sku}`).join(', ');
const STEP = {
  PaymentInitiated: (e) => ['initiated', `${formatPaise(e.payload.amountPaise)} ${e.payload.currency}`],
  FraudAssessed: (e) => [
    'assessed',
    e.payload.reasons.length ? `${e.payload.decision}: ${e.payload.reasons.join(', ')}` : e.payload.decision,
  ],
  StockReserved: (e) => ['reserved', describe(e.payload.items)],
  StockRejected: (e) => ['rejected', `OUT_OF_STOCK: ${e.payload.reason} ${e.payload.skus.join(', ')}`],
  PaymentSucceeded: () => ['succeeded', null],
  PaymentFailed: (e) => ['failed', e.payload.failureReason],
  StockCommitted: (e) => ['committed', describe(e.payload.items)],
  StockReleased: (e) => ['released', describe(e.payload.items)],
  FundsReserved: (e) => ['funds reserved', `${formatPaise(e.payload.amountPaise)} held on ${e.payload.payerVpa}`],
  FundsRejected: (e) => ['funds rejected', e.payload.reason],
  FundsSettled: (e) => ['funds settled', `${formatPaise(e.payload.amountPaise)} ${e.payload.payerVpa} → ${e.payload.payeeVpa}`],
  FundsReleased: (e) => ['funds released', `${formatPaise(e.payload.amountPaise)} back to ${e.payload.payerVpa}`],
  PaymentNotified: (e) => ['notified', e.payload.notifications.map((n) => `${n.type} ${n.recipientVpa}`).join(', ')],
  PaymentRecorded: (e) => ['recorded', `${e.payload.status} in ${e.payload.latencyMs} ms`],
};

/** One timeline step per event, for payments this service knows (the join), each event once. */
async function addTimeline(client, events) {
  await client.query(
    `INSERT INTO payment_timeline (event_id, payment_id, step, service, occurred_at, outcome)
     SELECT v.event_id, v.payment_id, v.step, v.service, v.occurred_at, v.outcome
       FROM jsonb_to_recordset($1::jsonb) AS v(event_id uuid, payment_id uuid, step text, service text, occurred_at timestamptz, outcome text)
       JOIN payments p ON p.id = v.payment_id
     ON CONFLICT (event_id) DO NOTHING`,
    [
      rows(
        events.map((e) => {
          const [step, outcome] = STEP[e.type](e);
          return { event_id: e.eventId, payment_id: e.paymentId, step, service: e.producer, occurred_at: e.occurredAt, outcome };
        }),
      ),
    ],
  );
}

/** A payment's status once a report changed it; it fails at the first negative outcome (still PENDING before it). */
function decide(p) {
  if (p.fraud_decision === 'REJECTED') return ['FAILED', 'FRAUD_REJECTED'];
  if (p.stock_status === 'REJECTED') return ['FAILED', 'OUT_OF_STOCK'];
  if (p.funds_status === 'REJECTED') return ['FAILED', p.funds_reason];
  if (
    p.fraud_decision === 'APPROVED' &&
    (p.stock_status === 'NOT_REQUIRED' || p.stock_status === 'RESERVED') &&
    p.funds_status === 'RESERVED'
  )
    return ['SUCCEEDED', null];
  return ['PENDING', null];
}

/** Applies a batch of fraud and stock reports: rows locked in id order, one UPDATE for all. */
async function settle(client, events) {
  const saga = events.filter((e) => SAGA.has(e.type));
  const ids = [...new Set(saga.map((e) => e.paymentId))].sort();
  const { rows: locked } = ids.length
    ? await client.query('SELECT * FROM payments WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [ids])
    : { rows: [] };
  const byId = new Map(locked.map((p) => [p.id, p]));
  const changed = new Map();
  const completed = [];
  for (const e of saga) {
    const p = byId.get(e.paymentId);
    if (!p || p.status !== 'PENDING') continue;
    if (e.type === 'FraudAssessed') {
      if (p.fraud_decision !== null) continue;
      Object.assign(p, {
        fraud_decision: e.payload.decision,
        fraud_score: e.payload.score,
        fraud_reasons: e.payload.reasons,
        fraud_assessed_at: e.payload.assessedAt,
      });
    } else if (e.type === 'FundsReserved' || e.type === 'FundsRejected') {
      if (p.funds_status !== 'PENDING') continue;
      p.funds_status = e.type === 'FundsReserved' ? 'RESERVED' : 'REJECTED';
      p.funds_reason = e.payload.reason;
    } else {
      if (p.stock_status !== 'PENDING') continue;
      p.stock_status = e.type === 'StockReserved' ? 'RESERVED' : 'REJECTED';
    }
    const now = new Date();
    [p.status, p.failure_reason] = decide(p);
    p.updated_at = now;
    p.completed_at = p.status === 'PENDING' ? null : now;
    changed.set(p.id, p);
    if (p.status === 'SUCCEEDED')
      completed.push(createEvent('PaymentSucceeded', p.id, { ...factsOfRow(p), completedAt: now.toISOString() }, now));
    if (p.status === 'FAILED')
      completed.push(
        createEvent('PaymentFailed', p.id, { ...factsOfRow(p), completedAt: now.toISOString(), failureReason: p.failure_reason }, now),
      );
  }
  if (changed.size) {
    const source = (await hasFraudSource) ? ", fraud_source = CASE WHEN v.fraud_decision IS NULL THEN NULL ELSE 'FRAUD_SERVICE' END" : '';
    await client.query(
      `UPDATE payments p
          SET status = v.status, failure_reason = v.failure_reason, stock_status = v.stock_status, funds_status = v.funds_status,
              fraud_decision = v.fraud_decision,
              fraud_score = v.fraud_score, fraud_reasons = v.fraud_reasons, fraud_assessed_at = v.fraud_assessed_at${source},
              updated_at = v.updated_at, completed_at = v.completed_at
         FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, status text, failure_reason text, stock_status text, funds_status text, fraud_decision text,
              fraud_score smallint, fraud_reasons text[], fraud_assessed_at timestamptz, updated_at timestamptz, completed_at timestamptz)
        WHERE p.id = v.id AND p.status = 'PENDING'`,
      [rows([...changed.values()])],
    );
  }
  await addTimeline(client, [...events, ...completed]);
  return completed;
}

// --- who holds which VPA, from the users service's events -----------------------------------------
const USER_EVENTS = new Set(['VpaLinked', 'VpaUnlinked', 'UserDeregistered']);

/** A batch of user events: the last fact per VPA in one upsert (a newer stored fact wins), then the de-registrations. */
async function trackHolders(client, events) {
  const facts = new Map();
  for (const e of events) {
    if (e.type === 'VpaLinked')
      facts.set(e.payload.vpa, { vpa: e.payload.vpa, user_id: e.userId, linked: true, as_of: e.payload.linkedAt });
    if (e.type === 'VpaUnlinked')
      facts.set(e.payload.vpa, { vpa: e.payload.vpa, user_id: e.userId, linked: false, as_of: e.payload.unlinkedAt });
  }
  if (facts.size) {
    await client.query(
      `INSERT INTO vpa_holders AS h (vpa, user_id, linked, as_of)
       SELECT vpa, user_id, linked, as_of FROM jsonb_to_recordset($1::jsonb) AS v(vpa text, user_id uuid, linked boolean, as_of timestamptz)
       ON CONFLICT (vpa) DO UPDATE SET user_id = excluded.user_id, linked = excluded.linked, as_of = excluded.as_of
        WHERE excluded.as_of >= h.as_of`,
      [rows([...facts.values()])],
    );
  }
  const gone = events.filter((e) => e.type === 'UserDeregistered');
  if (gone.length) {
    await client.query('UPDATE vpa_holders SET linked = false WHERE linked AND user_id = ANY($1::uuid[])', [gone.map((e) => e.userId)]);
  }
}

await runService({
  topics: [Topics.fraud, Topics.inventory, Topics.ledger, Topics.notifications, Topics.analytics, Topics.users],
  types: new Set([
    ...SAGA,
    'StockCommitted',
    'StockReleased',
    'FundsSettled',
    'FundsReleased',
    'PaymentNotified',
    'PaymentRecorded',
    ...USER_EVENTS,
  ]),
  // a consumed batch is one partition's: of user events, or of the payments' reports
  handle: async (client, events) => {
    const users = events.filter((e) => USER_EVENTS.has(e.type));
    if (users.length) await trackHolders(client, users);
    const saga = events.filter((e) => !USER_EVENTS.has(e.type));
    return saga.length ? settle(client, saga) : [];
  },
  routes: { 'POST /v1/payments': initiate },
});
