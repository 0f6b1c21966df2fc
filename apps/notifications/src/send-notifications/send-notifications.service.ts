import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AnyPaymentEvent, createEvent, DomainEvent } from '@app/contracts';
import { annotateEvent, Outbox } from '@app/messaging';
import { NotificationsRepository } from '../notifications.repository';
import { notifiedPayload } from './notification-messages';
import { NotifyingEvent, planFor } from './notification-plan';

@Injectable()
export class SendNotificationsService {
  constructor(
    private readonly outbox: Outbox,
    private readonly notifications: NotificationsRepository,
  ) {}

  /**
   * Stores the notifications of the events of a chunk (payment outcomes, refunds, disputes) and
   * announces those it stored, in the chunk's transaction, with one statement each. The unique
   * (payment, subject, recipient, type) key makes a second delivery of the same fact a no-op even if
   * the event id differs: nothing is stored, so nothing is announced either. Each event announces
   * only the rows it stored itself (by their ids), so two events of one payment in a chunk (two
   * refunds, a comment and a resolution) are each announced, and a repeat in the same chunk is not.
   */
  async send(events: NotifyingEvent[]): Promise<void> {
    const planned = events.map((event) => {
      const { subject, notifications } = planFor(event);
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
