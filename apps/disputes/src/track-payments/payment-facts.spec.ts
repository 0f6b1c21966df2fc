import { createEvent, PayloadOf } from '@app/contracts';
import { foldFacts, later, paymentFactOf, refundFactOf } from './payment-facts';

const PAYMENT = '00000000-0000-4000-8000-000000000001';
const REFUND = '00000000-0000-4000-8000-0000000000f1';
const DISPUTE = '00000000-0000-4000-8000-0000000000d1';
const PAYER = '00000000-0000-4000-8000-00000000000a';
const PAYEE = '00000000-0000-4000-8000-00000000000b';
const CREATED = '2026-03-01T10:00:00.000Z';
const COMPLETED = '2026-03-01T10:00:02.000Z';

const payment: PayloadOf<'PaymentInitiated'> = {
  payerVpa: 'Alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 125_50,
  currency: 'INR',
  items: [],
  createdAt: CREATED,
  payerUserId: PAYER,
  payeeUserId: PAYEE,
};
const refund: PayloadOf<'RefundRequested'> = {
  refundId: REFUND,
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 25_50,
  currency: 'INR',
  reason: 'dispute resolved for the payer',
  disputeId: DISPUTE,
  requestedByUserId: PAYEE,
  payerUserId: PAYER,
  payeeUserId: PAYEE,
  requestedAt: COMPLETED,
};

const initiated = paymentFactOf(createEvent('PaymentInitiated', PAYMENT, payment, 'payments'));
const succeeded = paymentFactOf(createEvent('PaymentSucceeded', PAYMENT, { ...payment, completedAt: COMPLETED }, 'payments'));
const failed = paymentFactOf(
  createEvent('PaymentFailed', PAYMENT, { ...payment, completedAt: COMPLETED, failureReason: 'EXPIRED' }, 'payments'),
);

describe('what the payment events say', () => {
  it('reads a payment: parties (VPAs lowercase), amount, status and completion', () => {
    expect(initiated).toEqual({
      id: PAYMENT,
      payerVpa: 'alice@okbank',
      payeeVpa: 'bob@okbank',
      payerUserId: PAYER,
      payeeUserId: PAYEE,
      amountPaise: 125_50,
      status: 'PENDING',
      createdAt: new Date(CREATED),
      completedAt: null,
    });
    expect(succeeded).toMatchObject({ status: 'SUCCEEDED', completedAt: new Date(COMPLETED) });
    expect(failed).toMatchObject({ status: 'FAILED', completedAt: new Date(COMPLETED) });
  });

  it('reads a refund, with the dispute that made it', () => {
    expect(refundFactOf(createEvent('RefundRequested', PAYMENT, refund, 'payments'))).toEqual({
      id: REFUND,
      paymentId: PAYMENT,
      disputeId: DISPUTE,
      amountPaise: 25_50,
      status: 'PENDING',
      failureReason: null,
      requestedAt: new Date(COMPLETED),
      completedAt: null,
    });
    const done = { ...refund, completedAt: COMPLETED };
    expect(refundFactOf(createEvent('RefundSucceeded', PAYMENT, done, 'payments'))).toMatchObject({
      status: 'SUCCEEDED',
      failureReason: null,
    });
    expect(refundFactOf(createEvent('RefundFailed', PAYMENT, { ...done, failureReason: 'INSUFFICIENT_FUNDS' }, 'payments'))).toMatchObject({
      status: 'FAILED',
      failureReason: 'INSUFFICIENT_FUNDS',
      completedAt: new Date(COMPLETED),
    });
  });
});

describe('facts in whatever order they arrive', () => {
  it('never undoes a final status, and keeps the first final one', () => {
    expect(later(initiated, succeeded)).toBe(succeeded);
    expect(later(succeeded, initiated)).toBe(succeeded);
    expect(later(succeeded, failed)).toBe(succeeded);
    expect(later(failed, succeeded)).toBe(failed);
    expect(later(initiated, initiated)).toBe(initiated);
  });

  it('folds a chunk into one fact per id, the latest', () => {
    const other = { ...initiated, id: '00000000-0000-4000-8000-000000000002' };
    expect(foldFacts([succeeded, other, initiated, succeeded])).toEqual([succeeded, other]);
    expect(foldFacts([initiated, failed, succeeded])).toEqual([failed]);
    expect(foldFacts([])).toEqual([]);
  });
});
