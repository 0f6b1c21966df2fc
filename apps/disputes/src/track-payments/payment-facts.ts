import { DomainEvent, normalizeVpa } from '@app/contracts';
import { TrackedPayment, TrackedRefund } from '../tracked-payment';

export type PaymentEvent = DomainEvent<'PaymentInitiated'> | DomainEvent<'PaymentSucceeded'> | DomainEvent<'PaymentFailed'>;
export type RefundEvent = DomainEvent<'RefundRequested'> | DomainEvent<'RefundSucceeded'> | DomainEvent<'RefundFailed'>;

/** What one payment event says of its payment. */
export function paymentFactOf(event: PaymentEvent): TrackedPayment {
  const { payload } = event;
  return {
    id: event.paymentId,
    payerVpa: normalizeVpa(payload.payerVpa),
    payeeVpa: normalizeVpa(payload.payeeVpa),
    payerUserId: payload.payerUserId,
    payeeUserId: payload.payeeUserId,
    amountPaise: payload.amountPaise,
    status: event.type === 'PaymentInitiated' ? 'PENDING' : event.type === 'PaymentSucceeded' ? 'SUCCEEDED' : 'FAILED',
    createdAt: new Date(payload.createdAt),
    completedAt: event.type === 'PaymentInitiated' ? null : new Date(event.payload.completedAt),
  };
}

/** What one refund event says of its refund. */
export function refundFactOf(event: RefundEvent): TrackedRefund {
  const { payload } = event;
  return {
    id: payload.refundId,
    paymentId: event.paymentId,
    disputeId: payload.disputeId,
    amountPaise: payload.amountPaise,
    status: event.type === 'RefundRequested' ? 'PENDING' : event.type === 'RefundSucceeded' ? 'SUCCEEDED' : 'FAILED',
    failureReason: event.type === 'RefundFailed' ? event.payload.failureReason : null,
    requestedAt: new Date(payload.requestedAt),
    completedAt: event.type === 'RefundRequested' ? null : new Date(event.payload.completedAt),
  };
}

/**
 * Two facts about one payment or one refund, in whichever order they arrived: a final status is
 * never undone, and the first final status stays (a contradicting one is ignored).
 */
export function later<T extends { status: 'PENDING' | 'SUCCEEDED' | 'FAILED' }>(known: T, fact: T): T {
  return known.status === 'PENDING' && fact.status !== 'PENDING' ? fact : known;
}

/**
 * The facts of a chunk of events, one per id (a multi-row upsert may touch a row once), each the
 * latest by `later`. The database applies the same rule against what it holds (see the repositories).
 */
export function foldFacts<T extends { id: string; status: 'PENDING' | 'SUCCEEDED' | 'FAILED' }>(facts: T[]): T[] {
  const byId = new Map<string, T>();
  for (const fact of facts) {
    const known = byId.get(fact.id);
    byId.set(fact.id, known ? later(known, fact) : fact);
  }
  return [...byId.values()];
}
