// The ledger's part of a run, the same for the three systems: every payer funded before anything is
// measured (ours: the operator's deposits through the ledger's API; the peers: the same rows, written
// by SQL, as their products are), and afterwards the ledger checked against the payments: every
// SUCCEEDED payment posted (one debit of its payer, one credit of its payee, of its amount), no
// FAILED one posted or still held, money conserved, holds adding up, no account negative.

import { setTimeout as sleep } from 'node:timers/promises';
import { formatPaise } from './workload.mjs';

/** The deposit's reference: the same again moves nothing (the ledger's idempotency by reference). */
const REFERENCE = 'bench-funding';

/** The user id (`sub`) of a token the harness holds. */
const subjectOf = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;

/** Ours: one operator deposit per payer through POST /v1/ledger/accounts/:vpa/deposits, `concurrency` at a time. */
async function depositThroughApi(ledgerUrl, token, vpas, amountPaise, concurrency) {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < vpas.length; i = next++) {
      const response = await fetch(`${ledgerUrl}/v1/ledger/accounts/${encodeURIComponent(vpas[i])}/deposits`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ amount: formatPaise(amountPaise), reference: REFERENCE }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status !== 201 && response.status !== 200)
        throw new Error(`deposit to ${vpas[i]}: ${response.status} ${text.slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * The peers: the rows the deposit route writes (the account credited, its DEPOSIT entry with the
 * balance after it, the operator transfer), for every payer in one transaction; a payer already
 * funded with this reference is left alone. Returns how many were funded.
 */
async function depositBySql(client, operatorId, vpas, amountPaise) {
  const { rowCount } = await client.query(
    `WITH credited AS (
       UPDATE ledger.accounts a SET credits_posted = a.credits_posted + $2
        WHERE a.vpa = ANY($1::text[]) AND a.status = 'OPEN'
          AND NOT EXISTS (SELECT 1 FROM ledger.operator_transfers t WHERE t.vpa = a.vpa AND t.reference = $3)
       RETURNING a.vpa, a.credits_posted - a.debits_posted AS balance_after, gen_random_uuid() AS transfer_id
     ), entries AS (
       INSERT INTO ledger.entries (vpa, kind, amount_paise, balance_after, reference, transfer_id)
       SELECT vpa, 'DEPOSIT', $2, balance_after, $3, transfer_id FROM credited ORDER BY vpa
       RETURNING id, vpa, transfer_id
     )
     INSERT INTO ledger.operator_transfers (id, vpa, kind, amount_paise, reference, entry_id, operator_id)
     SELECT transfer_id, vpa, 'DEPOSIT', $2, $3, id, $4 FROM entries`,
    [vpas, amountPaise, REFERENCE, operatorId],
  );
  return rowCount;
}

/**
 * Funds every payer with `amountPaise` once (idempotent by reference), before the measured phases.
 * Returns what the result reports of it.
 */
export async function fundPayers({ system, client, ledgerUrl, operatorToken, vpas, amountPaise, concurrency = 16 }) {
  const started = Date.now();
  if (system === 'ours') await depositThroughApi(ledgerUrl, operatorToken, vpas, amountPaise, concurrency);
  else await depositBySql(client, subjectOf(operatorToken), vpas, amountPaise);
  const { rows } = await client.query(
    'SELECT count(*)::int AS n FROM ledger.operator_transfers WHERE reference = $1 AND vpa = ANY($2::text[]) AND amount_paise = $3',
    [REFERENCE, vpas, amountPaise],
  );
  if (rows[0].n !== vpas.length) throw new Error(`only ${rows[0].n} of ${vpas.length} payers were funded`);
  return { payers: vpas.length, amountPaise, via: system === 'ours' ? 'api' : 'sql', seconds: (Date.now() - started) / 1000 };
}

/** Final payments whose money the ledger has not settled yet: SUCCEEDED but not posted, FAILED but still held. */
const UNSETTLED = `
  SELECT count(*)::int FROM payments.payments p LEFT JOIN ledger.holds h ON h.payment_id = p.id
   WHERE (p.status = 'SUCCEEDED' AND h.status IS DISTINCT FROM 'POSTED') OR (p.status = 'FAILED' AND h.status = 'PENDING')`;

/**
 * The ledger against the payments, once every payment is final and the ledger has settled it
 * (waited for, bounded), read in one snapshot: the contract's invariants, counted (money.md).
 */
export async function checkLedger(client, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  const busy = `SELECT (SELECT count(*) FROM payments.payments WHERE status = 'PENDING')::int + (${UNSETTLED}) AS n`;
  while ((await client.query(busy)).rows[0].n > 0 && Date.now() < deadline) await sleep(500);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    const { rows } = await client.query(`
      WITH sides AS (
        SELECT p.id, p.status,
               count(e.id) AS entries,
               count(*) FILTER (WHERE e.kind = 'PAYMENT_DEBIT' AND e.vpa = p.payer_vpa AND e.amount_paise = p.amount_paise) AS debits,
               count(*) FILTER (WHERE e.kind = 'PAYMENT_CREDIT' AND e.vpa = p.payee_vpa AND e.amount_paise = p.amount_paise) AS credits
          FROM payments.payments p LEFT JOIN ledger.entries e ON e.payment_id = p.id
         WHERE p.status <> 'PENDING'
         GROUP BY p.id, p.status
      )
      SELECT
        (SELECT count(*) FROM payments.payments WHERE status = 'PENDING')::int AS pending,
        (SELECT count(*) FROM sides WHERE status = 'SUCCEEDED')::int AS succeeded,
        (SELECT count(*) FROM sides WHERE status = 'SUCCEEDED' AND entries = 2 AND debits = 1 AND credits = 1)::int AS posted,
        (SELECT count(*) FROM sides s WHERE status = 'FAILED'
            AND (entries > 0 OR EXISTS (SELECT 1 FROM ledger.holds h WHERE h.payment_id = s.id AND h.status = 'PENDING')))::int AS "failedNotVoided",
        (SELECT coalesce(sum(credits_posted - debits_posted), 0) FROM ledger.accounts)::text AS "totalBalance",
        (SELECT coalesce(sum(CASE kind WHEN 'DEPOSIT' THEN amount_paise ELSE -amount_paise END), 0)
           FROM ledger.entries WHERE kind IN ('DEPOSIT', 'WITHDRAWAL'))::text AS "netDeposits",
        (SELECT count(*) FROM ledger.accounts a WHERE debits_pending <>
           (SELECT coalesce(sum(amount_paise), 0) FROM ledger.holds h WHERE h.payer_vpa = a.vpa AND h.status = 'PENDING'))::int AS "heldMismatch",
        (SELECT count(*) FROM ledger.accounts WHERE credits_posted - debits_posted - debits_pending < 0)::int AS "negativeAccounts",
        (${UNSETTLED}) AS unsettled`);
    return { ...rows[0], conserved: rows[0].totalBalance === rows[0].netDeposits };
  } finally {
    await client.query('COMMIT');
  }
}
