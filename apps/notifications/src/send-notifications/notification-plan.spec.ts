import { createEvent, NotificationTypes } from '@app/contracts';
import { NOTIFYING_EVENT_TYPES, NotifyingEvent, planFor } from './notification-plan';

const paymentId = '77777777-7777-4777-8777-777777777777';
const refundId = '44444444-4444-4444-8444-444444444444';
const disputeId = '55555555-5555-4555-8555-555555555555';
const commentId = '66666666-6666-4666-8666-666666666666';
const payerUserId = '11111111-1111-4111-8111-111111111111';
const payeeUserId = '22222222-2222-4222-8222-222222222222';
const operatorId = '33333333-3333-4333-8333-333333333333';
const at = '2026-11-21T10:00:00.000Z';

const payment = {
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 12550,
  currency: 'INR' as const,
  items: [],
  createdAt: at,
  payerUserId,
  payeeUserId,
  completedAt: at,
};
const refund = {
  refundId,
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 2550,
  currency: 'INR' as const,
  reason: 'returned',
  disputeId: null,
  requestedByUserId: payeeUserId,
  payerUserId,
  payeeUserId,
  requestedAt: at,
  completedAt: at,
};
const dispute = {
  disputeId,
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  payerUserId,
  payeeUserId,
  amountPaise: 12550,
  reason: 'OTHER' as const,
};

/** One event of each type that notifies someone. */
const events: NotifyingEvent[] = [
  createEvent('PaymentSucceeded', paymentId, payment, 'payments'),
  createEvent('PaymentFailed', paymentId, { ...payment, failureReason: 'EXPIRED' }, 'payments'),
  createEvent('RefundSucceeded', paymentId, refund, 'payments'),
  createEvent(
    'RefundFailed',
    paymentId,
    { ...refund, disputeId, requestedByUserId: operatorId, failureReason: 'INSUFFICIENT_FUNDS' },
    'payments',
  ),
  createEvent('DisputeOpened', paymentId, { ...dispute, openedAt: at }, 'disputes'),
  createEvent(
    'DisputeCommented',
    paymentId,
    { ...dispute, commentId, authorUserId: operatorId, authorRole: 'OPERATOR', commentedAt: at },
    'disputes',
  ),
  createEvent('DisputeEscalated', paymentId, { ...dispute, openedAt: at, escalatedAt: at }, 'disputes'),
  createEvent('DisputeResolved', paymentId, { ...dispute, outcome: 'PAYER', resolvedByUserId: operatorId, resolvedAt: at }, 'disputes'),
];

const planOf = (type: NotifyingEvent['type']) => planFor(events.find((e) => e.type === type)!);

describe('what each event notifies about', () => {
  it('has an example of every event type that notifies', () => {
    expect(events.map((e) => e.type)).toEqual([...NOTIFYING_EVENT_TYPES]);
  });

  it('notifies for every notification type, and for no dispute step that has none (review started, withdrawn)', () => {
    expect(new Set(events.flatMap((e) => planFor(e).notifications.map((n) => n.type)))).toEqual(new Set(NotificationTypes));
    expect(NOTIFYING_EVENT_TYPES).not.toContain('DisputeReviewStarted');
    expect(NOTIFYING_EVENT_TYPES).not.toContain('DisputeWithdrawn');
  });

  it("keeps a payment's own notifications about the payment (their old key, (payment, recipient, type), still holds)", () => {
    for (const type of ['PaymentSucceeded', 'PaymentFailed'] as const) {
      expect(planOf(type).subject).toEqual({ subjectId: paymentId, refundId: null, disputeId: null });
    }
  });

  it("makes a refund's notifications about the refund, and its dispute if it has one", () => {
    expect(planOf('RefundSucceeded').subject).toEqual({ subjectId: refundId, refundId, disputeId: null });
    expect(planOf('RefundFailed').subject).toEqual({ subjectId: refundId, refundId, disputeId });
  });

  it("makes a dispute's notifications about the dispute, a comment's about the comment of its dispute", () => {
    for (const type of ['DisputeOpened', 'DisputeEscalated', 'DisputeResolved'] as const) {
      expect(planOf(type).subject).toEqual({ subjectId: disputeId, refundId: null, disputeId });
    }
    expect(planOf('DisputeCommented').subject).toEqual({ subjectId: commentId, refundId: null, disputeId });
  });

  it('plans each recipient at most once per event and type, so the key tells them apart', () => {
    for (const event of events) {
      const keys = planFor(event).notifications.map((n) => `${n.recipientVpa} ${n.type}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});
