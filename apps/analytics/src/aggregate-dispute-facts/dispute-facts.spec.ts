import { createEvent } from '@app/contracts';
import { disputeFact } from './dispute-facts';

const paymentId = '77777777-7777-4777-8777-777777777777';
const disputeId = '55555555-5555-4555-8555-555555555555';
const operatorId = '33333333-3333-4333-8333-333333333333';
const dispute = {
  disputeId,
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  payerUserId: null,
  payeeUserId: null,
  amountPaise: 12550,
  reason: 'DUPLICATE' as const,
};
const completedAt = '2026-11-21T10:00:02.000Z';

describe('dispute facts', () => {
  it('counts an opened dispute as open, and a resolution or withdrawal as its end', () => {
    const opened = disputeFact(createEvent('DisputeOpened', paymentId, { ...dispute, openedAt: completedAt }, 'disputes'));
    expect(opened).toEqual({ disputeId, paymentId, status: 'OPEN', reason: 'DUPLICATE', amountPaise: 12550 });
    const resolved = (outcome: 'PAYER' | 'PAYEE') =>
      disputeFact(
        createEvent(
          'DisputeResolved',
          paymentId,
          { ...dispute, outcome, resolvedByUserId: operatorId, resolvedAt: completedAt },
          'disputes',
        ),
      ).status;
    expect(resolved('PAYER')).toBe('RESOLVED_FOR_PAYER');
    expect(resolved('PAYEE')).toBe('RESOLVED_FOR_PAYEE');
    expect(disputeFact(createEvent('DisputeWithdrawn', paymentId, { ...dispute, withdrawnAt: completedAt }, 'disputes')).status).toBe(
      'WITHDRAWN',
    );
  });
});
