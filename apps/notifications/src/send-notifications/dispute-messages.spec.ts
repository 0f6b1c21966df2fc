import { DisputeReasons } from '@app/contracts';
import {
  DISPUTE_REASON_IN_WORDS,
  disputeCommentedNotifications,
  disputeEscalatedNotifications,
  disputeOpenedNotifications,
  disputeResolvedNotifications,
} from './dispute-messages';

const payerUserId = '11111111-1111-4111-8111-111111111111';
const payeeUserId = '22222222-2222-4222-8222-222222222222';
const operatorId = '33333333-3333-4333-8333-333333333333';

const dispute = {
  disputeId: '55555555-5555-4555-8555-555555555555',
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  payerUserId,
  payeeUserId,
  amountPaise: 12550,
  reason: 'NOT_RECEIVED' as const,
};
const comment = {
  ...dispute,
  commentId: '66666666-6666-4666-8666-666666666666',
  authorUserId: payerUserId,
  authorRole: 'PAYER' as const,
  commentedAt: '2026-11-22T10:00:00.000Z',
};
const resolution = { ...dispute, resolvedByUserId: operatorId, resolvedAt: '2026-11-23T10:00:00.000Z' };

const whoGets = (planned: Array<{ recipientVpa: string | null; recipientUserId: string | null; type: string }>) =>
  planned.map(({ recipientVpa, recipientUserId, type }) => ({ recipientVpa, recipientUserId, type }));

describe('dispute messages', () => {
  it('tells the payee that the payer disputes the payment, and why in words', () => {
    expect(disputeOpenedNotifications({ ...dispute, openedAt: '2026-11-21T10:00:00.000Z' })).toEqual([
      {
        recipientVpa: 'bob@okbank',
        recipientUserId: payeeUserId,
        type: 'DISPUTE_OPENED',
        message: 'alice@okbank disputes ₹125.50 of their payment to you: they say they did not receive what they paid for',
      },
    ]);
  });

  it.each(DisputeReasons)('names the reason %s in words', (reason) => {
    const [planned] = disputeOpenedNotifications({ ...dispute, reason, openedAt: '2026-11-21T10:00:00.000Z' });
    expect(planned.message).toBe(`alice@okbank disputes ₹125.50 of their payment to you: ${DISPUTE_REASON_IN_WORDS[reason]}`);
    expect(planned.message).not.toContain(reason);
  });

  describe('a comment tells the other parties, never what it says', () => {
    it("tells the payee of the payer's comment", () => {
      expect(disputeCommentedNotifications(comment)).toEqual([
        {
          recipientVpa: 'bob@okbank',
          recipientUserId: payeeUserId,
          type: 'DISPUTE_COMMENTED',
          message: "alice@okbank commented on the dispute of ₹125.50 about alice@okbank's payment to you",
        },
      ]);
    });

    it("tells the payer of the payee's comment", () => {
      expect(disputeCommentedNotifications({ ...comment, authorUserId: payeeUserId, authorRole: 'PAYEE' })).toEqual([
        {
          recipientVpa: 'alice@okbank',
          recipientUserId: payerUserId,
          type: 'DISPUTE_COMMENTED',
          message: 'bob@okbank commented on your dispute of ₹125.50 about your payment to bob@okbank',
        },
      ]);
    });

    it("tells payer and payee of an operator's comment", () => {
      const planned = disputeCommentedNotifications({ ...comment, authorUserId: operatorId, authorRole: 'OPERATOR' });
      expect(whoGets(planned)).toEqual([
        { recipientVpa: 'alice@okbank', recipientUserId: payerUserId, type: 'DISPUTE_COMMENTED' },
        { recipientVpa: 'bob@okbank', recipientUserId: payeeUserId, type: 'DISPUTE_COMMENTED' },
      ]);
      expect(planned.map((n) => n.message)).toEqual([
        'An operator commented on your dispute of ₹125.50 about your payment to bob@okbank',
        "An operator commented on the dispute of ₹125.50 about alice@okbank's payment to you",
      ]);
    });
  });

  it('tells payer and payee that the dispute was resolved for the payer, and that money moves back', () => {
    const planned = disputeResolvedNotifications({ ...resolution, outcome: 'PAYER' });
    expect(whoGets(planned)).toEqual([
      { recipientVpa: 'alice@okbank', recipientUserId: payerUserId, type: 'DISPUTE_RESOLVED' },
      { recipientVpa: 'bob@okbank', recipientUserId: payeeUserId, type: 'DISPUTE_RESOLVED' },
    ]);
    expect(planned.map((n) => n.message)).toEqual([
      'Your dispute of ₹125.50 about your payment to bob@okbank was resolved in your favour: ₹125.50 is being refunded to you',
      "The dispute of ₹125.50 about alice@okbank's payment to you was resolved in favour of alice@okbank: ₹125.50 is being refunded from your account",
    ]);
  });

  it('tells payer and payee that the dispute was resolved for the payee, and that nothing moves', () => {
    expect(disputeResolvedNotifications({ ...resolution, outcome: 'PAYEE' }).map((n) => n.message)).toEqual([
      'Your dispute of ₹125.50 about your payment to bob@okbank was resolved in favour of bob@okbank: nothing is refunded',
      "The dispute of ₹125.50 about alice@okbank's payment to you was resolved in your favour: nothing is refunded",
    ]);
  });

  it('leaves a notification without a user when the event names none', () => {
    expect(disputeResolvedNotifications({ ...resolution, payeeUserId: null, outcome: 'PAYEE' }).map((n) => n.recipientUserId)).toEqual([
      payerUserId,
      null,
    ]);
  });

  it('tells operators of an escalated dispute: to no VPA and no user', () => {
    expect(
      disputeEscalatedNotifications({ ...dispute, openedAt: '2026-11-21T10:00:00.000Z', escalatedAt: '2026-11-22T10:00:00.000Z' }),
    ).toEqual([
      {
        recipientVpa: null,
        recipientUserId: null,
        type: 'DISPUTE_ESCALATED',
        message:
          "Escalated: the dispute of ₹125.50 about alice@okbank's payment to bob@okbank has not been reviewed since it was opened at 2026-11-21T10:00:00.000Z",
      },
    ]);
  });
});
