import { FraudAssessment, Payment } from '../payment';
import { DeadlinePolicy, deadlineAction, sweepHorizonMs } from './deadlines';

const createdAt = new Date('2026-11-21T10:00:00.000Z');
const at = (ms: number) => new Date(createdAt.getTime() + ms);
const assessed: FraudAssessment = { decision: 'APPROVED', score: 5, reasons: [], assessedAt: at(100), source: 'FRAUD_SERVICE' };

const closed: DeadlinePolicy = { paymentTimeoutMs: 15000, fraudFailureMode: 'closed', fraudTimeoutMs: 5000 };
const open: DeadlinePolicy = { ...closed, fraudFailureMode: 'open' };

type Subject = Pick<Payment, 'status' | 'createdAt' | 'fraud'>;
const pendingPayment = (fraud: FraudAssessment | null = null): Subject => ({ status: 'PENDING', createdAt, fraud });

describe('deadlineAction', () => {
  describe('expiry (any failure mode)', () => {
    it.each([
      ['closed', closed],
      ['open', open],
    ])('expires a PENDING payment strictly older than the payment timeout (fail %s)', (_, policy) => {
      expect(deadlineAction(pendingPayment(assessed), at(15000), policy)).toBeNull();
      expect(deadlineAction(pendingPayment(assessed), at(15001), policy)).toBe('EXPIRE');
      expect(deadlineAction(pendingPayment(), at(15001), policy)).toBe('EXPIRE');
    });

    it('leaves a younger payment alone', () => {
      expect(deadlineAction(pendingPayment(), at(0), closed)).toBeNull();
      expect(deadlineAction(pendingPayment(), at(14999), closed)).toBeNull();
    });

    it.each(['SUCCEEDED', 'FAILED'] as const)('never touches a %s payment, however old', (status) => {
      expect(deadlineAction({ status, createdAt, fraud: assessed }, at(3_600_000), closed)).toBeNull();
      expect(deadlineAction({ status, createdAt, fraud: null }, at(3_600_000), open)).toBeNull();
    });
  });

  describe('a silent fraud service', () => {
    it('fails closed: the payment waits, then expires', () => {
      expect(deadlineAction(pendingPayment(), at(5001), closed)).toBeNull();
      expect(deadlineAction(pendingPayment(), at(15001), closed)).toBe('EXPIRE');
    });

    it('fails open: approves once strictly older than the fraud timeout', () => {
      expect(deadlineAction(pendingPayment(), at(5000), open)).toBeNull();
      expect(deadlineAction(pendingPayment(), at(5001), open)).toBe('FAIL_OPEN');
    });

    it('does not fail open a payment fraud has assessed (it waits for stock, or expires)', () => {
      expect(deadlineAction(pendingPayment(assessed), at(5001), open)).toBeNull();
      expect(deadlineAction(pendingPayment({ ...assessed, source: 'FAIL_OPEN' }), at(14000), open)).toBeNull();
    });

    it('expires rather than approves a payment past both deadlines', () => {
      expect(deadlineAction(pendingPayment(), at(60000), open)).toBe('EXPIRE');
    });
  });
});

describe('sweepHorizonMs', () => {
  it('is the payment timeout when failing closed, the fraud timeout when failing open', () => {
    expect(sweepHorizonMs(closed)).toBe(15000);
    expect(sweepHorizonMs(open)).toBe(5000);
  });

  it('is never beyond a deadline the decision could report', () => {
    for (const policy of [closed, open]) {
      const justPast = at(sweepHorizonMs(policy) + 1);
      expect(deadlineAction(pendingPayment(), justPast, policy)).not.toBeNull();
      expect(deadlineAction(pendingPayment(), at(sweepHorizonMs(policy)), policy)).toBeNull();
    }
  });
});
