import { FraudSettings } from '../config';
import { assess, exceedsVelocity, isBlocklisted, isHighAmountToNewPayee, PaymentFacts, velocityWindow } from './fraud-rules';

const settings: FraudSettings = {
  blockedVpas: ['mallory@okbank'],
  velocityLimit: 10,
  velocityWindowSeconds: 60,
  highAmountPaise: 1_000_000,
};

const clean: PaymentFacts = {
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 12_550,
  recentPayments: 0,
  knownPayee: false,
};

describe('BLOCKLISTED', () => {
  it('fires for a blocklisted payer or payee, whatever the case', () => {
    expect(isBlocklisted({ payerVpa: 'mallory@okbank', payeeVpa: 'bob@okbank' }, settings.blockedVpas)).toBe(true);
    expect(isBlocklisted({ payerVpa: 'alice@okbank', payeeVpa: 'Mallory@OKBANK' }, settings.blockedVpas)).toBe(true);
  });

  it('does not fire for anyone else or an empty blocklist', () => {
    expect(isBlocklisted(clean, settings.blockedVpas)).toBe(false);
    expect(isBlocklisted({ payerVpa: 'mallory@okbank', payeeVpa: 'bob@okbank' }, [])).toBe(false);
  });
});

describe('VELOCITY', () => {
  it('lets the first L payments of a window pass and rejects every one beyond', () => {
    const decisions = Array.from({ length: 12 }, (_, earlier) => exceedsVelocity(earlier, 10));
    expect(decisions.filter(Boolean)).toHaveLength(2);
    expect(decisions.slice(0, 10)).not.toContain(true);
  });

  it('rejects every payment with a limit of 0', () => {
    expect(exceedsVelocity(0, 0)).toBe(true);
  });

  it('counts against a window around the payment’s own createdAt', () => {
    expect(velocityWindow('2026-11-21T10:00:00.000Z', 60)).toEqual({
      after: new Date('2026-11-21T09:59:00.000Z'),
      before: new Date('2026-11-21T10:01:00.000Z'),
    });
  });
});

describe('HIGH_AMOUNT_NEW_PAYEE', () => {
  it('fires at or above the threshold to a payee never paid successfully', () => {
    expect(isHighAmountToNewPayee({ amountPaise: 1_000_000, knownPayee: false }, 1_000_000)).toBe(true);
    expect(isHighAmountToNewPayee({ amountPaise: 999_999, knownPayee: false }, 1_000_000)).toBe(false);
  });

  it('does not fire for a known payee', () => {
    expect(isHighAmountToNewPayee({ amountPaise: 5_000_000, knownPayee: true }, 1_000_000)).toBe(false);
  });
});

describe('assess', () => {
  it('approves a clean payment with score 0 and no reasons', () => {
    expect(assess(clean, settings)).toEqual({ decision: 'APPROVED', score: 0, reasons: [] });
  });

  it('rejects when one rule fires, scoring that rule', () => {
    expect(assess({ ...clean, recentPayments: 10 }, settings)).toEqual({ decision: 'REJECTED', score: 70, reasons: ['VELOCITY'] });
    expect(assess({ ...clean, amountPaise: 1_000_000 }, settings)).toEqual({
      decision: 'REJECTED',
      score: 60,
      reasons: ['HIGH_AMOUNT_NEW_PAYEE'],
    });
  });

  it('lists every rule that fired in a stable order and caps the score at 100', () => {
    const verdict = assess({ ...clean, payeeVpa: 'mallory@okbank', amountPaise: 2_000_000, recentPayments: 50 }, settings);
    expect(verdict).toEqual({ decision: 'REJECTED', score: 100, reasons: ['BLOCKLISTED', 'VELOCITY', 'HIGH_AMOUNT_NEW_PAYEE'] });
    expect(assess({ ...clean, amountPaise: 2_000_000, recentPayments: 10 }, settings).reasons).toEqual([
      'VELOCITY',
      'HIGH_AMOUNT_NEW_PAYEE',
    ]);
  });
});
