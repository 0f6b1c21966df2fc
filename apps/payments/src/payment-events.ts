import { createEvent, DomainEvent } from '@app/contracts';
import { Payment } from './payment';

const PRODUCER = 'payments';

function facts(p: Payment) {
  return {
    payerVpa: p.payerVpa,
    payeeVpa: p.payeeVpa,
    amountPaise: p.amountPaise,
    currency: p.currency,
    items: p.items,
    createdAt: p.createdAt.toISOString(),
    payerUserId: p.payerUserId,
    payeeUserId: p.payeeUserId,
  };
}

export function paymentInitiated(p: Payment): DomainEvent<'PaymentInitiated'> {
  return createEvent('PaymentInitiated', p.id, facts(p), PRODUCER, p.createdAt);
}

/** The event announcing a final payment; none for a payment that is still PENDING. */
export function paymentCompleted(p: Payment): DomainEvent<'PaymentSucceeded'> | DomainEvent<'PaymentFailed'> | null {
  if (p.status === 'PENDING' || !p.completedAt) return null;
  const completedAt = p.completedAt.toISOString();
  if (p.status === 'SUCCEEDED') {
    return createEvent('PaymentSucceeded', p.id, { ...facts(p), completedAt }, PRODUCER, p.completedAt);
  }
  if (!p.failureReason) throw new Error(`payment ${p.id} failed without a reason`);
  return createEvent('PaymentFailed', p.id, { ...facts(p), completedAt, failureReason: p.failureReason }, PRODUCER, p.completedAt);
}
