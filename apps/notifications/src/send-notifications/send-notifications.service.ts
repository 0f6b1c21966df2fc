import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AnyDomainEvent, createEvent, DomainEvent } from '@app/contracts';
import { annotateEvent, Outbox } from '@app/messaging';
import { valuesList } from '@app/platform';
import { NotificationType } from '../notification.entity';
import { notifiedPayload, PlannedNotification } from './notification-messages';

@Injectable()
export class SendNotificationsService {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Stores the notifications of the payments of a chunk and announces those it stored, in the
   * caller's transaction, with one statement each. The unique (payment, recipient, type) key makes
   * a second delivery of the same outcome a no-op even if the event id differs: nothing is stored,
   * so nothing is announced either.
   */
  async send(tx: EntityManager, outcomes: Array<{ event: AnyDomainEvent; planned: PlannedNotification[] }>): Promise<void> {
    const { sql, params } = valuesList(
      outcomes.flatMap(({ event, planned }) => planned.map((n) => [randomUUID(), event.paymentId, n.recipientVpa, n.type, n.message])),
    );
    const rows: Array<{ payment_id: string; recipient_vpa: string; type: NotificationType }> = await tx.query(
      `INSERT INTO notifications (id, payment_id, recipient_vpa, type, message)
       SELECT v.id::uuid, v.payment_id::uuid, v.recipient_vpa, v.type, v.message FROM (VALUES ${sql}) AS v (id, payment_id, recipient_vpa, type, message)
       ON CONFLICT (payment_id, recipient_vpa, type) DO NOTHING
       RETURNING payment_id, recipient_vpa, type`,
      params,
    );
    const stored = new Map<string, Array<{ recipientVpa: string; type: NotificationType }>>();
    for (const row of rows) stored.set(row.payment_id, [...(stored.get(row.payment_id) ?? []), { recipientVpa: row.recipient_vpa, type: row.type }]);
    const announced: Array<{ event: AnyDomainEvent; notified: DomainEvent<'PaymentNotified'> }> = [];
    for (const { event, planned } of outcomes) {
      const payload = notifiedPayload(planned, stored.get(event.paymentId) ?? []);
      stored.delete(event.paymentId); // a second outcome of the payment in this chunk stored nothing
      // Types and a count only: recipients and message text stay out of the trace.
      const types = payload?.notifications.map((n) => n.type) ?? [];
      annotateEvent(event, { 'notification.count': types.length, ...(types.length ? { 'notification.types': types.join(',') } : {}) });
      if (payload) announced.push({ event, notified: createEvent('PaymentNotified', event.paymentId, payload, 'notifications') });
    }
    await this.outbox.add(tx, announced.map((a) => a.notified), announced.map((a) => a.event));
  }
}
