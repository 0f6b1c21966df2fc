import { RefundFailureReasons } from '@app/contracts';
import {
  REFUND_FAILURE_FOR_OPERATORS,
  REFUND_FAILURE_IN_WORDS,
  refundFailedNotifications,
  refundSucceededNotifications,
} from './refund-messages';

const payerUserId = '11111111-1111-4111-8111-111111111111';
const payeeUserId = '22222222-2222-4222-8222-222222222222';
const operatorId = '33333333-3333-4333-8333-333333333333';

const refund = {
  refundId: '44444444-4444-4444-8444-444444444444',
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 2550,
  currency: 'INR' as const,
  reason: 'the shoes did not fit, and here is my whole story',
  disputeId: null,
  requestedByUserId: payeeUserId,
  payerUserId,
  payeeUserId,
  requestedAt: '2026-11-21T10:00:00.000Z',
  completedAt: '2026-11-21T10:00:01.000Z',
};

describe('refund messages', () => {
  it('tells the payee it sent the refund and the payer it received it', () => {
    expect(refundSucceededNotifications(refund)).toEqual([
      { recipientVpa: 'bob@okbank', recipientUserId: payeeUserId, type: 'REFUND_SENT', message: 'You refunded ₹25.50 to alice@okbank' },
      {
        recipientVpa: 'alice@okbank',
        recipientUserId: payerUserId,
        type: 'REFUND_RECEIVED',
        message: 'You received a refund of ₹25.50 from bob@okbank',
      },
    ]);
  });

  it('says when a refund comes from a dispute resolved for the payer', () => {
    const messages = refundSucceededNotifications({
      ...refund,
      disputeId: '55555555-5555-4555-8555-555555555555',
      requestedByUserId: operatorId,
    }).map((n) => n.message);
    expect(messages).toEqual([
      'You refunded ₹25.50 to alice@okbank: their dispute was resolved in their favour',
      'You received a refund of ₹25.50 from bob@okbank: your dispute was resolved in your favour',
    ]);
  });

  it('keeps the reason the payee gave out of every message (their own words)', () => {
    for (const n of [...refundSucceededNotifications(refund), ...refundFailedNotifications({ ...refund, failureReason: 'EXPIRED' })]) {
      expect(n.message).not.toContain('shoes');
    }
  });

  it('leaves a notification without a user when the event names none', () => {
    expect(refundSucceededNotifications({ ...refund, payerUserId: null }).map((n) => n.recipientUserId)).toEqual([payeeUserId, null]);
  });

  it('tells the payee who asked, at their VPA, why the refund failed', () => {
    expect(refundFailedNotifications({ ...refund, failureReason: 'INSUFFICIENT_FUNDS' })).toEqual([
      {
        recipientVpa: 'bob@okbank',
        recipientUserId: payeeUserId,
        type: 'REFUND_FAILED',
        message: 'Your refund of ₹25.50 to alice@okbank failed: your balance is too low',
      },
    ]);
  });

  it('tells an operator who asked, at no VPA, why the refund failed', () => {
    expect(refundFailedNotifications({ ...refund, requestedByUserId: operatorId, failureReason: 'INSUFFICIENT_FUNDS' })).toEqual([
      {
        recipientVpa: null,
        recipientUserId: operatorId,
        type: 'REFUND_FAILED',
        message: "The refund of ₹25.50 on alice@okbank's payment to bob@okbank failed: the payee's balance is too low",
      },
    ]);
  });

  it("tells the operator who resolved a dispute, at no VPA, that the dispute's refund failed", () => {
    const [planned] = refundFailedNotifications({
      ...refund,
      disputeId: '55555555-5555-4555-8555-555555555555',
      requestedByUserId: operatorId,
      failureReason: 'ACCOUNT_CLOSED',
    });
    expect(planned).toMatchObject({ recipientVpa: null, recipientUserId: operatorId, type: 'REFUND_FAILED' });
    expect(planned.message).toBe(
      "The refund of ₹25.50 on alice@okbank's payment to bob@okbank (for its dispute) failed: the payee's or the payer's account is closed",
    );
  });

  it('does not take a refund of a payee the event names no user for as theirs', () => {
    const [planned] = refundFailedNotifications({ ...refund, payeeUserId: null, requestedByUserId: operatorId, failureReason: 'EXPIRED' });
    expect(planned).toMatchObject({ recipientVpa: null, recipientUserId: operatorId });
  });

  it.each(RefundFailureReasons)('names %s in words for the payee and for operators', (failureReason) => {
    const [toPayee] = refundFailedNotifications({ ...refund, failureReason });
    const [toOperator] = refundFailedNotifications({ ...refund, requestedByUserId: operatorId, failureReason });
    expect(toPayee.message).toBe(`Your refund of ₹25.50 to alice@okbank failed: ${REFUND_FAILURE_IN_WORDS[failureReason]}`);
    expect(toOperator.message).toMatch(new RegExp(`failed: ${REFUND_FAILURE_FOR_OPERATORS[failureReason]}$`));
    expect(REFUND_FAILURE_IN_WORDS[failureReason]).not.toMatch(/[A-Z_]{4,}/);
  });
});
