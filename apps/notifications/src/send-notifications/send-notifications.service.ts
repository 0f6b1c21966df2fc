import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AnyPaymentEvent, createEvent, DomainEvent } from '@app/contracts';
import { annotateEvent, Outbox } from '@app/messaging';
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
   * chunk's transaction, with one statement each. The unique (payment, subject, recipient, type)
   * key (a payment's outcome is about the payment) makes a second delivery of the same outcome a
   * no-op even if the event id differs: nothing is stored, so nothing is announced either. Each
   * event announces only the rows it stored itself (by their ids), so a repeat in the same chunk
   * announces nothing.
   */
  async send(events: PaymentOutcome[]): Promise<void> {
    const planned = events.map((event) => {
      const notifications = event.type === 'PaymentSucceeded' ? succeededNotifications(event.payload) : failedNotifications(event.payload);
      const subject = { subjectId: event.paymentId, refundId: null, disputeId: null };
      return { event, notifications: notifications.map((n) => ({ id: randomUUID(), paymentId: event.paymentId, ...subject, ...n })) };
    });
    const stored = await this.notifications.insertNew(planned.flatMap((p) => p.notifications));
    const announced: Array<{ event: AnyPaymentEvent; notified: DomainEvent<'PaymentNotified'> }> = [];
    for (const { event, notifications } of planned) {
      const payload = notifiedPayload(
        notifications,
        notifications.filter((n) => stored.has(n.id)),
      );
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
