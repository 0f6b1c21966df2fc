// Raw peer, notifications: one notice to the payer and one to the payee of a succeeded payment, one
// to the payer of a failed one, exactly once each; then PaymentNotified for what was stored.
// Same tables as the service: notifications, outbox, processed_events.

import { randomUUID } from 'node:crypto';
import { createEvent, formatPaise, rows, runService, Topics } from './common.mjs';

/** Why a payment failed, in the payer's words (the service's wording). */
const FAILURE_IN_WORDS = {
  FRAUD_REJECTED: 'it was declined by the risk check',
  OUT_OF_STOCK: 'an item is out of stock',
  EXPIRED: 'it was not completed in time',
  INSUFFICIENT_FUNDS: 'your balance is too low',
  DAILY_LIMIT_EXCEEDED: "it would pass today's limit for your account",
  ACCOUNT_CLOSED: "your account or the payee's account is closed",
};

function planned(e) {
  const p = e.payload;
  const amount = `₹${formatPaise(p.amountPaise)}`;
  if (e.type === 'PaymentSucceeded') {
    return [
      { recipient_vpa: p.payerVpa, type: 'PAYMENT_SENT', message: `You paid ${amount} to ${p.payeeVpa}` },
      { recipient_vpa: p.payeeVpa, type: 'PAYMENT_RECEIVED', message: `You received ${amount} from ${p.payerVpa}` },
    ];
  }
  return [
    {
      recipient_vpa: p.payerVpa,
      type: 'PAYMENT_FAILED',
      message: `Your payment of ${amount} to ${p.payeeVpa} failed: ${FAILURE_IN_WORDS[p.failureReason]}`,
    },
  ];
}

async function notify(client, events) {
  const all = events.flatMap((e) => planned(e).map((n) => ({ id: randomUUID(), payment_id: e.paymentId, ...n })));
  const { rows: stored } = await client.query(
    `INSERT INTO notifications (id, payment_id, recipient_vpa, type, message)
     SELECT id, payment_id, recipient_vpa, type, message
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, payment_id uuid, recipient_vpa text, type text, message text)
     ON CONFLICT (payment_id, recipient_vpa, type) DO NOTHING
     RETURNING payment_id, recipient_vpa, type`,
    [rows(all)],
  );
  const byPayment = new Map();
  for (const n of stored) {
    if (!byPayment.has(n.payment_id)) byPayment.set(n.payment_id, []);
    byPayment.get(n.payment_id).push({ recipientVpa: n.recipient_vpa, type: n.type });
  }
  const order = { PAYMENT_SENT: 0, PAYMENT_RECEIVED: 1, PAYMENT_FAILED: 0 };
  return [...byPayment].map(([paymentId, notifications]) =>
    createEvent('PaymentNotified', paymentId, { notifications: notifications.sort((a, b) => order[a.type] - order[b.type]) }),
  );
}

await runService({ topics: [Topics.payments], types: new Set(['PaymentSucceeded', 'PaymentFailed']), handle: notify });
