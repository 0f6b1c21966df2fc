import { createEvent, DomainEvent } from '@app/contracts';
import { Dispute, DisputeComment } from './dispute';
import { DISPUTES_PRODUCER } from './disputes.constants';

/** What every dispute event repeats, so that its consumers need no projection of their own. */
function facts(d: Dispute) {
  return {
    disputeId: d.id,
    payerVpa: d.payerVpa,
    payeeVpa: d.payeeVpa,
    payerUserId: d.payerUserId,
    payeeUserId: d.payeeUserId,
    amountPaise: d.amountPaise,
    reason: d.reason,
  };
}

// Keyed by the disputed payment's id: a dispute's events stay in order with the payment's.

export const disputeOpened = (d: Dispute): DomainEvent<'DisputeOpened'> =>
  createEvent('DisputeOpened', d.paymentId, { ...facts(d), openedAt: d.createdAt.toISOString() }, DISPUTES_PRODUCER, d.createdAt);

export const disputeReviewStarted = (d: Dispute, reviewerUserId: string, at: Date): DomainEvent<'DisputeReviewStarted'> =>
  createEvent(
    'DisputeReviewStarted',
    d.paymentId,
    { ...facts(d), reviewerUserId, reviewStartedAt: at.toISOString() },
    DISPUTES_PRODUCER,
    at,
  );

export const disputeCommented = (d: Dispute, c: DisputeComment): DomainEvent<'DisputeCommented'> =>
  createEvent(
    'DisputeCommented',
    d.paymentId,
    { ...facts(d), commentId: c.id, authorUserId: c.authorUserId, authorRole: c.authorRole, commentedAt: c.createdAt.toISOString() },
    DISPUTES_PRODUCER,
    c.createdAt,
  );

export function disputeEscalated(d: Dispute): DomainEvent<'DisputeEscalated'> {
  if (!d.escalatedAt) throw new Error(`dispute ${d.id} is not escalated`);
  const payload = { ...facts(d), openedAt: d.createdAt.toISOString(), escalatedAt: d.escalatedAt.toISOString() };
  return createEvent('DisputeEscalated', d.paymentId, payload, DISPUTES_PRODUCER, d.escalatedAt);
}

export function disputeResolved(d: Dispute): DomainEvent<'DisputeResolved'> {
  if (!d.resolvedAt || !d.resolvedBy || (d.status !== 'RESOLVED_FOR_PAYER' && d.status !== 'RESOLVED_FOR_PAYEE')) {
    throw new Error(`dispute ${d.id} is not resolved`);
  }
  const outcome = d.status === 'RESOLVED_FOR_PAYER' ? 'PAYER' : 'PAYEE';
  const payload = { ...facts(d), outcome, resolvedByUserId: d.resolvedBy, resolvedAt: d.resolvedAt.toISOString() } as const;
  return createEvent('DisputeResolved', d.paymentId, payload, DISPUTES_PRODUCER, d.resolvedAt);
}

export const disputeWithdrawn = (d: Dispute, at: Date): DomainEvent<'DisputeWithdrawn'> =>
  createEvent('DisputeWithdrawn', d.paymentId, { ...facts(d), withdrawnAt: at.toISOString() }, DISPUTES_PRODUCER, at);
