import { createEvent, DomainEvent, EventType } from '@app/contracts';
import { Outbox } from '@app/messaging';
import { Notification } from '../notification';
import { NotificationsRepository } from '../notifications.repository';
import { NotifyingEvent } from './notification-plan';
import { SendNotificationsService } from './send-notifications.service';

/** The table's unique (payment, subject, recipient, type) key, in memory: the first of equal rows is stored. */
class FakeNotifications {
  readonly rows: Array<Omit<Notification, 'createdAt'>> = [];

  insertNew(notifications: Array<Omit<Notification, 'createdAt'>>): Promise<Set<string>> {
    const key = (n: Omit<Notification, 'createdAt'>) => [n.paymentId, n.subjectId, n.recipientVpa, n.type].join(' ');
    const stored = new Set<string>();
    for (const n of notifications) {
      if (this.rows.some((row) => key(row) === key(n))) continue;
      this.rows.push(n);
      stored.add(n.id);
    }
    return Promise.resolve(stored);
  }
}

class FakeOutbox {
  readonly added: Array<DomainEvent<EventType>> = [];
  add(events: Array<DomainEvent<EventType>>): Promise<void> {
    this.added.push(...events);
    return Promise.resolve();
  }
}

const paymentId = '77777777-7777-4777-8777-777777777777';
const payerUserId = '11111111-1111-4111-8111-111111111111';
const payeeUserId = '22222222-2222-4222-8222-222222222222';
const at = '2026-11-21T10:00:00.000Z';
const refund = (refundId: string) =>
  createEvent(
    'RefundSucceeded',
    paymentId,
    {
      refundId,
      payerVpa: 'alice@okbank',
      payeeVpa: 'bob@okbank',
      amountPaise: 100,
      currency: 'INR',
      reason: 'returned',
      disputeId: null,
      requestedByUserId: payeeUserId,
      payerUserId,
      payeeUserId,
      requestedAt: at,
      completedAt: at,
    },
    'payments',
  );

describe('sending the notifications of a chunk', () => {
  let table: FakeNotifications;
  let outbox: FakeOutbox;
  let service: SendNotificationsService;

  beforeEach(() => {
    table = new FakeNotifications();
    outbox = new FakeOutbox();
    service = new SendNotificationsService(outbox as unknown as Outbox, table as unknown as NotificationsRepository);
  });

  const announced = () => outbox.added.map((e) => (e.payload as { notifications: unknown[] }).notifications);

  it('stores and announces two refunds of one payment in one chunk, each once', async () => {
    const first = refund('44444444-4444-4444-8444-444444444444');
    const second = refund('55555555-5555-4555-8555-555555555555');
    await service.send([first, second, { ...first, eventId: '99999999-9999-4999-8999-999999999999' }] as NotifyingEvent[]);
    expect(table.rows.map((n) => [n.refundId, n.type])).toEqual([
      [first.payload.refundId, 'REFUND_SENT'],
      [first.payload.refundId, 'REFUND_RECEIVED'],
      [second.payload.refundId, 'REFUND_SENT'],
      [second.payload.refundId, 'REFUND_RECEIVED'],
    ]);
    const both = [
      { recipientVpa: 'bob@okbank', type: 'REFUND_SENT' },
      { recipientVpa: 'alice@okbank', type: 'REFUND_RECEIVED' },
    ];
    expect(outbox.added.map((e) => [e.type, 'paymentId' in e && e.paymentId])).toEqual([
      ['PaymentNotified', paymentId],
      ['PaymentNotified', paymentId],
    ]);
    expect(announced()).toEqual([both, both]);
  });

  it('stores nothing and announces nothing for a fact told already, whatever its event id', async () => {
    const first = refund('44444444-4444-4444-8444-444444444444');
    await service.send([first]);
    await service.send([{ ...first, eventId: '99999999-9999-4999-8999-999999999999' }]);
    expect(table.rows).toHaveLength(2);
    expect(outbox.added).toHaveLength(1);
  });

  it('announces an escalation to operators with no recipient VPA', async () => {
    const escalated = createEvent(
      'DisputeEscalated',
      paymentId,
      {
        disputeId: '55555555-5555-4555-8555-555555555555',
        payerVpa: 'alice@okbank',
        payeeVpa: 'bob@okbank',
        payerUserId,
        payeeUserId,
        amountPaise: 100,
        reason: 'OTHER',
        openedAt: at,
        escalatedAt: at,
      },
      'disputes',
    );
    await service.send([escalated, escalated]);
    expect(table.rows).toEqual([expect.objectContaining({ recipientVpa: null, recipientUserId: null, type: 'DISPUTE_ESCALATED' })]);
    expect(announced()).toEqual([[{ recipientVpa: null, type: 'DISPUTE_ESCALATED' }]]);
  });
});
