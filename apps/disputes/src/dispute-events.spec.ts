import { AnyDomainEvent, decodeEvent } from '@app/contracts';
import { Dispute, DisputeComment } from './dispute';
import {
  disputeCommented,
  disputeEscalated,
  disputeOpened,
  disputeResolved,
  disputeReviewStarted,
  disputeWithdrawn,
} from './dispute-events';

const OPENED = new Date('2026-03-02T10:00:00.000Z');
const LATER = new Date('2026-03-03T11:00:00.000Z');
const OPERATOR = '00000000-0000-4000-8000-0000000000ee';
const dispute: Dispute = {
  id: '00000000-0000-4000-8000-0000000000d1',
  paymentId: '00000000-0000-4000-8000-000000000001',
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  payerUserId: '00000000-0000-4000-8000-00000000000a',
  payeeUserId: null,
  amountPaise: 25_50,
  reason: 'NOT_RECEIVED',
  description: 'never arrived',
  status: 'OPEN',
  escalatedAt: null,
  resolutionNote: null,
  resolvedBy: null,
  resolvedAt: null,
  createdAt: OPENED,
  updatedAt: OPENED,
  refund: null,
};
const comment: DisputeComment = {
  id: '00000000-0000-4000-8000-0000000000c1',
  disputeId: dispute.id,
  authorUserId: OPERATOR,
  authorRole: 'OPERATOR',
  text: 'looking into it',
  createdAt: LATER,
};
const facts = {
  disputeId: dispute.id,
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  payerUserId: dispute.payerUserId,
  payeeUserId: null,
  amountPaise: 25_50,
  reason: 'NOT_RECEIVED',
};

/** What a consumer would decode from the event as published: the contract's own validation. */
function decoded(event: AnyDomainEvent) {
  const result = decodeEvent(JSON.stringify(event));
  if (!result.ok) throw new Error(result.error);
  return result.event;
}

describe('the events of a dispute', () => {
  it('are valid by the contract, keyed by the payment, from the disputes service, with the dispute’s facts', () => {
    const resolved = { ...dispute, status: 'RESOLVED_FOR_PAYER' as const, resolvedAt: LATER, resolvedBy: OPERATOR, resolutionNote: 'ok' };
    const events = [
      disputeOpened(dispute),
      disputeReviewStarted(dispute, OPERATOR, LATER),
      disputeCommented(dispute, comment),
      disputeEscalated({ ...dispute, escalatedAt: LATER }),
      disputeResolved(resolved),
      disputeWithdrawn(dispute, LATER),
    ];
    for (const event of events) {
      expect(decoded(event)).toMatchObject({ paymentId: dispute.paymentId, producer: 'disputes', payload: facts });
    }
    expect(events.map((e) => [e.type, e.occurredAt])).toEqual([
      ['DisputeOpened', OPENED.toISOString()],
      ['DisputeReviewStarted', LATER.toISOString()],
      ['DisputeCommented', LATER.toISOString()],
      ['DisputeEscalated', LATER.toISOString()],
      ['DisputeResolved', LATER.toISOString()],
      ['DisputeWithdrawn', LATER.toISOString()],
    ]);
  });

  it('say what happened: when, by whom, as whom, with what outcome', () => {
    expect(disputeOpened(dispute).payload.openedAt).toBe(OPENED.toISOString());
    expect(disputeReviewStarted(dispute, OPERATOR, LATER).payload).toMatchObject({
      reviewerUserId: OPERATOR,
      reviewStartedAt: LATER.toISOString(),
    });
    expect(disputeCommented(dispute, comment).payload).toMatchObject({
      commentId: comment.id,
      authorUserId: OPERATOR,
      authorRole: 'OPERATOR',
    });
    expect(disputeEscalated({ ...dispute, escalatedAt: LATER }).payload).toMatchObject({
      openedAt: OPENED.toISOString(),
      escalatedAt: LATER.toISOString(),
    });
    const forPayee = { ...dispute, status: 'RESOLVED_FOR_PAYEE' as const, resolvedAt: LATER, resolvedBy: OPERATOR, resolutionNote: 'no' };
    expect(disputeResolved(forPayee).payload).toMatchObject({
      outcome: 'PAYEE',
      resolvedByUserId: OPERATOR,
      resolvedAt: LATER.toISOString(),
    });
  });

  it('refuse to announce an escalation or a resolution that did not happen', () => {
    expect(() => disputeEscalated(dispute)).toThrow(/not escalated/);
    expect(() => disputeResolved({ ...dispute, resolvedAt: LATER, resolvedBy: OPERATOR })).toThrow(/not resolved/);
  });
});
