import { applyRefundFact, decideRefundAmount, RefundFact, RefundStatus, refundableOf } from './refund';

const payment = (committed = 0, status: 'PENDING' | 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED') => ({
  status,
  amountPaise: 125_50,
  refundsCommittedPaise: committed,
});

describe('the refundable amount of a payment', () => {
  it('is its amount less what pending and succeeded refunds take', () => {
    expect(refundableOf(payment())).toBe(125_50);
    expect(refundableOf(payment(25_50))).toBe(100_00);
  });

  it('defaults a refund to all that is still refundable', () => {
    expect(decideRefundAmount(payment(25_50), undefined)).toEqual({ ok: true, amountPaise: 100_00 });
  });

  it('takes any amount up to what is left (disputes.md scenario 1: 25.50, then 100.01 refused, 100.00, then 0.01 refused)', () => {
    expect(decideRefundAmount(payment(), 25_50)).toEqual({ ok: true, amountPaise: 25_50 });
    expect(decideRefundAmount(payment(25_50), 100_01)).toEqual({ ok: false, refusal: 'REFUND.EXCEEDS_PAYMENT', refundablePaise: 100_00 });
    expect(decideRefundAmount(payment(25_50), 100_00)).toEqual({ ok: true, amountPaise: 100_00 });
    expect(decideRefundAmount(payment(125_50), 1)).toEqual({ ok: false, refusal: 'REFUND.EXCEEDS_PAYMENT', refundablePaise: 0 });
  });

  it('refuses a refund when nothing is left, also by default', () => {
    expect(decideRefundAmount(payment(125_50), undefined)).toMatchObject({ ok: false, refusal: 'REFUND.EXCEEDS_PAYMENT' });
  });

  it.each(['PENDING', 'FAILED'] as const)('refuses any refund of a %s payment', (status) => {
    expect(decideRefundAmount(payment(0, status), 1_00)).toMatchObject({ ok: false, refusal: 'PAYMENT.NOT_SUCCEEDED' });
  });
});

describe("a refund's status", () => {
  const facts: RefundFact[] = [{ kind: 'FUNDS_RESERVED' }, { kind: 'FUNDS_REJECTED', reason: 'INSUFFICIENT_FUNDS' }, { kind: 'EXPIRED' }];

  it('succeeds once the payee funds are held, fails with the reason the ledger or the deadline gives', () => {
    expect(applyRefundFact('PENDING', facts[0])).toEqual({ status: 'SUCCEEDED', failureReason: null });
    expect(applyRefundFact('PENDING', facts[1])).toEqual({ status: 'FAILED', failureReason: 'INSUFFICIENT_FUNDS' });
    expect(applyRefundFact('PENDING', { kind: 'FUNDS_REJECTED', reason: 'ACCOUNT_CLOSED' })).toEqual({
      status: 'FAILED',
      failureReason: 'ACCOUNT_CLOSED',
    });
    expect(applyRefundFact('PENDING', facts[2])).toEqual({ status: 'FAILED', failureReason: 'EXPIRED' });
  });

  it.each<[RefundStatus, RefundFact]>(
    (['SUCCEEDED', 'FAILED'] as const).flatMap((status) => facts.map((fact): [RefundStatus, RefundFact] => [status, fact])),
  )('never changes once %s (%j)', (status, fact) => {
    expect(applyRefundFact(status, fact)).toBeNull();
  });
});
