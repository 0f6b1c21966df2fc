import { failedNotifications, succeededNotifications } from './notification-messages';

const payment = {
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 12550,
  currency: 'INR' as const,
  items: [],
  createdAt: '2026-11-21T10:00:00.000Z',
  completedAt: '2026-11-21T10:00:01.000Z',
};

describe('notification messages', () => {
  it('tells the payer it sent and the payee it received on success', () => {
    expect(succeededNotifications(payment)).toEqual([
      { recipientVpa: 'alice@okbank', type: 'PAYMENT_SENT', message: 'You paid ₹125.50 to bob@okbank' },
      { recipientVpa: 'bob@okbank', type: 'PAYMENT_RECEIVED', message: 'You received ₹125.50 from alice@okbank' },
    ]);
  });

  it('tells only the payer, with the reason, on failure', () => {
    const planned = failedNotifications({ ...payment, failureReason: 'OUT_OF_STOCK' });
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({ recipientVpa: 'alice@okbank', type: 'PAYMENT_FAILED' });
    expect(planned[0].message).toContain('OUT_OF_STOCK');
  });
});
