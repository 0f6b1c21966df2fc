// The disputes service's part of a run, the same for the three systems: it follows every payment in
// a projection of its own (disputes.payments, from the payment events), which is what a dispute is
// checked against. Afterwards that projection is checked against the payments: every payment there
// once, with the same parties, amount, status and times.

import { setTimeout as sleep } from 'node:timers/promises';

const JOINED = 'FROM payments.payments p LEFT JOIN disputes.payments d ON d.id = p.id';
/** A payment the projection holds otherwise than the payments table does. */
const DIFFERS = `(d.status <> p.status OR d.amount_paise <> p.amount_paise
  OR d.payer_vpa <> lower(p.payer_vpa) OR d.payee_vpa <> lower(p.payee_vpa)
  OR d.payer_user_id IS DISTINCT FROM p.payer_user_id OR d.payee_user_id IS DISTINCT FROM p.payee_user_id
  OR d.created_at <> p.created_at OR d.completed_at IS DISTINCT FROM p.completed_at)`;

/**
 * The disputes service's payments against the payments service's, once it has caught up (waited
 * for, bounded; run after checkLedger, when every payment is final): how many payments, how many it
 * tracks, how many it lacks and how many it holds otherwise.
 */
export async function checkDisputes(client, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  const behind = `SELECT count(*)::int AS n ${JOINED} WHERE d.id IS NULL OR ${DIFFERS}`;
  while ((await client.query(behind)).rows[0].n > 0 && Date.now() < deadline) await sleep(500);
  const { rows } = await client.query(`
    SELECT (SELECT count(*) FROM payments.payments)::int AS payments,
           (SELECT count(*) FROM disputes.payments)::int AS tracked,
           (SELECT count(*) ${JOINED} WHERE d.id IS NULL)::int AS missing,
           (SELECT count(*) ${JOINED} WHERE d.id IS NOT NULL AND ${DIFFERS})::int AS differing`);
  return rows[0];
}
