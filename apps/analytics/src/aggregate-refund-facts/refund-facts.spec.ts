import { createEvent } from '@app/contracts';
import { refundFact } from './refund-facts';

const paymentId = '77777777-7777-4777-8777-777777777777';
const refundId = '44444444-4444-4444-8444-444444444444';
const disputeId = '55555555-5555-4555-8555-555555555555';
const operatorId = '33333333-3333-4333-8333-333333333333';
const refund = {
  refundId,
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 2550,
  currency: 'INR' as const,
  reason: 'returned',
  disputeId: null,
  requestedByUserId: operatorId,
  payerUserId: null,
  payeeUserId: null,
  requestedAt: '2026-11-21T10:00:00.000Z',
};
const completedAt = '2026-11-21T10:00:02.000Z';

describe('refund facts', () => {
  it('counts a requested refund as pending, with its payment and amount', () => {
    expect(refundFact(createEvent('RefundRequested', paymentId, refund, 'payments'))).toEqual({
      refundId,
      paymentId,
      status: 'PENDING',
      failureReason: null,
      amountPaise: 2550,
      disputeId: null,
      requestedAt: '2026-11-21T10:00:00.000Z',
      completedAt: null,
    });
  });

  it('turns a succeeded or failed refund into a final fact, with the reason of a failure and the dispute it is for', () => {
    expect(refundFact(createEvent('RefundSucceeded', paymentId, { ...refund, disputeId, completedAt }, 'payments'))).toMatchObject({
      status: 'SUCCEEDED',
      failureReason: null,
      disputeId,
      completedAt,
    });
    expect(
      refundFact(createEvent('RefundFailed', paymentId, { ...refund, completedAt, failureReason: 'INSUFFICIENT_FUNDS' }, 'payments')),
    ).toMatchObject({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS', amountPaise: 2550, completedAt });
  });
});
