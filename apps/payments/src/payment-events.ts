import { createEvent, DomainEvent } from '@app/contracts';
import { Payment } from './payment';
import { Refund } from './refund';

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

function refundFacts(r: Refund, p: Payment) {
  return {
    refundId: r.id,
    payerVpa: p.payerVpa,
    payeeVpa: p.payeeVpa,
    amountPaise: r.amountPaise,
    currency: p.currency,
    reason: r.reason,
    disputeId: r.disputeId,
    requestedByUserId: r.requestedBy,
    payerUserId: p.payerUserId,
    payeeUserId: p.payeeUserId,
    requestedAt: r.createdAt.toISOString(),
  };
}

export function refundRequested(r: Refund, p: Payment): DomainEvent<'RefundRequested'> {
  return createEvent('RefundRequested', p.id, refundFacts(r, p), PRODUCER, r.createdAt);
}

/** The event announcing a final refund; none for a refund that is still PENDING. */
export function refundCompleted(r: Refund, p: Payment): DomainEvent<'RefundSucceeded'> | DomainEvent<'RefundFailed'> | null {
  if (r.status === 'PENDING' || !r.completedAt) return null;
  const completedAt = r.completedAt.toISOString();
  if (r.status === 'SUCCEEDED') return createEvent('RefundSucceeded', p.id, { ...refundFacts(r, p), completedAt }, PRODUCER, r.completedAt);
  if (!r.failureReason) throw new Error(`refund ${r.id} failed without a reason`);
  return createEvent('RefundFailed', p.id, { ...refundFacts(r, p), completedAt, failureReason: r.failureReason }, PRODUCER, r.completedAt);
}
