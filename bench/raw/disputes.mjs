// Raw peer, disputes: the payments as their events tell them (what a dispute is checked against),
// one row per payment, one multi-row upsert per consumed batch; a final status never goes back, and
// the first final one stays. Same tables as the service: payments (of the disputes schema),
// processed_events. (Refund events, which the service also follows: the load makes none.)

import { rows, runService, Topics } from './common.mjs';

const STATUS = { PaymentInitiated: 'PENDING', PaymentSucceeded: 'SUCCEEDED', PaymentFailed: 'FAILED' };

function factOf(e) {
  const p = e.payload;
  return {
    id: e.paymentId,
    payer_vpa: p.payerVpa.toLowerCase(),
    payee_vpa: p.payeeVpa.toLowerCase(),
    payer_user_id: p.payerUserId ?? null,
    payee_user_id: p.payeeUserId ?? null,
    amount_paise: p.amountPaise,
    status: STATUS[e.type],
    created_at: p.createdAt,
    completed_at: p.completedAt ?? null,
  };
}

async function track(client, events) {
  // one row per payment in one statement (ON CONFLICT DO UPDATE may touch a row once): the batch
  // folded in order, then the same rule against what the table holds
  const latest = new Map();
  for (const e of events) {
    const known = latest.get(e.paymentId);
    if (!known || (known.status === 'PENDING' && STATUS[e.type] !== 'PENDING')) latest.set(e.paymentId, factOf(e));
  }
  await client.query(
    `INSERT INTO payments (id, payer_vpa, payee_vpa, payer_user_id, payee_user_id, amount_paise, status, created_at, completed_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, payer_vpa text, payee_vpa text, payer_user_id uuid, payee_user_id uuid,
                                                      amount_paise bigint, status text, created_at timestamptz, completed_at timestamptz)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, completed_at = EXCLUDED.completed_at
      WHERE payments.status = 'PENDING' AND EXCLUDED.status <> 'PENDING'`,
    [rows([...latest.values()])],
  );
  return [];
}

await runService({ topics: [Topics.payments], types: new Set(Object.keys(STATUS)), handle: track });
