import { failedNotifications, notifiedPayload, succeededNotifications } from './notification-messages';

const payment = {
  payerVpa: 'alice@okbank',
  payeeVpa: 'bob@okbank',
  amountPaise: 12550,
  currency: 'INR' as const,
  items: [],
  createdAt: '2026-11-21T10:00:00.000Z',
  payerUserId: '11111111-1111-4111-8111-111111111111',
  payeeUserId: '22222222-2222-4222-8222-222222222222',
  completedAt: '2026-11-21T10:00:01.000Z',
};

describe('notification messages', () => {
  it('tells the payer it sent and the payee it received on success', () => {
    expect(succeededNotifications(payment)).toEqual([
      {
        recipientVpa: 'alice@okbank',
        recipientUserId: payment.payerUserId,
        type: 'PAYMENT_SENT',
        message: 'You paid ₹125.50 to bob@okbank',
      },
      {
        recipientVpa: 'bob@okbank',
        recipientUserId: payment.payeeUserId,
        type: 'PAYMENT_RECEIVED',
        message: 'You received ₹125.50 from alice@okbank',
      },
    ]);
  });

  it('leaves a notification without a user when the event names none (v1 events, an unlinked VPA)', () => {
    expect(succeededNotifications({ ...payment, payeeUserId: null }).map((n) => n.recipientUserId)).toEqual([payment.payerUserId, null]);
    expect(failedNotifications({ ...payment, payerUserId: null, failureReason: 'EXPIRED' })[0].recipientUserId).toBeNull();
  });

  it('tells only the payer, with the reason, on failure', () => {
    const planned = failedNotifications({ ...payment, failureReason: 'OUT_OF_STOCK' });
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({ recipientVpa: 'alice@okbank', recipientUserId: payment.payerUserId, type: 'PAYMENT_FAILED' });
    expect(planned[0].message).toBe('Your payment of ₹125.50 to bob@okbank failed: an item is out of stock');
  });

  it.each([
    ['INSUFFICIENT_FUNDS', 'your balance is too low'],
    ['DAILY_LIMIT_EXCEEDED', "it would pass today's limit for your account"],
    ['ACCOUNT_CLOSED', "your account or the payee's account is closed"],
  ] as const)('names the ledger refusal %s in words', (failureReason, words) => {
    expect(failedNotifications({ ...payment, failureReason })[0].message).toBe(`Your payment of ₹125.50 to bob@okbank failed: ${words}`);
  });
});

describe('what a PaymentNotified event announces', () => {
  const planned = succeededNotifications(payment);

  it('lists every notification stored now, in the planned order, without the message', () => {
    const stored = [
      { recipientVpa: 'bob@okbank', type: 'PAYMENT_RECEIVED' as const },
      { recipientVpa: 'alice@okbank', type: 'PAYMENT_SENT' as const },
    ];
    expect(notifiedPayload(planned, stored)).toEqual({
      notifications: [
        { recipientVpa: 'alice@okbank', type: 'PAYMENT_SENT' },
        { recipientVpa: 'bob@okbank', type: 'PAYMENT_RECEIVED' },
      ],
    });
  });

  it('lists only what was stored when part of it was already there', () => {
    expect(notifiedPayload(planned, [{ recipientVpa: 'bob@okbank', type: 'PAYMENT_RECEIVED' }])).toEqual({
      notifications: [{ recipientVpa: 'bob@okbank', type: 'PAYMENT_RECEIVED' }],
    });
  });

  it('announces nothing when nothing was stored (the outcome was told already)', () => {
    expect(notifiedPayload(planned, [])).toBeNull();
  });
});
