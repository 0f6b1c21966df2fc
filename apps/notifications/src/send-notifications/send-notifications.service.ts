import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AnyPaymentEvent, createEvent, DomainEvent } from '@app/contracts';
import { annotateEvent, Outbox } from '@app/messaging';
import { NotificationType } from '../notification';
import { NotificationsRepository } from '../notifications.repository';
import { failedNotifications, notifiedPayload, succeededNotifications } from './notification-messages';

export type PaymentOutcome = DomainEvent<'PaymentSucceeded'> | DomainEvent<'PaymentFailed'>;

@Injectable()
export class SendNotificationsService {
  constructor(
    private readonly outbox: Outbox,
    private readonly notifications: NotificationsRepository,
  ) {}

  /**
   * Stores the notifications of the payments of a chunk and announces those it stored, in the
   * chunk's transaction, with one statement each. The unique (payment, recipient, type) key makes
   * a second delivery of the same outcome a no-op even if the event id differs: nothing is stored,
   * so nothing is announced either.
   */
  async send(events: PaymentOutcome[]): Promise<void> {
    const outcomes = events.map((event) => ({
      event,
      planned: event.type === 'PaymentSucceeded' ? succeededNotifications(event.payload) : failedNotifications(event.payload),
    }));
    const rows = await this.notifications.insertNew(
      outcomes.flatMap(({ event, planned }) => planned.map((n) => ({ id: randomUUID(), paymentId: event.paymentId, ...n }))),
    );
    const stored = new Map<string, Array<{ recipientVpa: string; type: NotificationType }>>();
    for (const row of rows)
      stored.set(row.paymentId, [...(stored.get(row.paymentId) ?? []), { recipientVpa: row.recipientVpa, type: row.type }]);
    const announced: Array<{ event: AnyPaymentEvent; notified: DomainEvent<'PaymentNotified'> }> = [];
    for (const { event, planned } of outcomes) {
      const payload = notifiedPayload(planned, stored.get(event.paymentId) ?? []);
      stored.delete(event.paymentId); // a second outcome of the payment in this chunk stored nothing
      // Types and a count only: recipients and message text stay out of the trace.
      const types = payload?.notifications.map((n) => n.type) ?? [];
      annotateEvent(event, { 'notification.count': types.length, ...(types.length ? { 'notification.types': types.join(',') } : {}) });
      if (payload) announced.push({ event, notified: createEvent('PaymentNotified', event.paymentId, payload, 'notifications') });
    }
    await this.outbox.add(
      announced.map((a) => a.notified),
      announced.map((a) => a.event),
    );
  }
}
