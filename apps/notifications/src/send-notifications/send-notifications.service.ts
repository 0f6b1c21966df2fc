import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { createEvent } from '@app/contracts';
import { Outbox } from '@app/messaging';
import { valuesList } from '@app/platform';
import { annotate } from '@app/telemetry';
import { NotificationType } from '../notification.entity';
import { notifiedPayload, PlannedNotification } from './notification-messages';

@Injectable()
export class SendNotificationsService {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Stores the notifications of one payment and announces those it stored, in one transaction.
   * The unique (payment, recipient, type) key makes a second delivery of the same outcome a no-op
   * even if the event id differs: nothing is stored, so nothing is announced either.
   */
  async send(tx: EntityManager, paymentId: string, planned: PlannedNotification[]): Promise<void> {
    const { sql, params } = valuesList(planned.map((n) => [randomUUID(), paymentId, n.recipientVpa, n.type, n.message]));
    const stored: Array<{ recipient_vpa: string; type: NotificationType }> = await tx.query(
      `INSERT INTO notifications (id, payment_id, recipient_vpa, type, message) VALUES ${sql}
       ON CONFLICT (payment_id, recipient_vpa, type) DO NOTHING
       RETURNING recipient_vpa, type`,
      params,
    );
    const payload = notifiedPayload(planned, stored.map((row) => ({ recipientVpa: row.recipient_vpa, type: row.type })));
    // Types and a count only: recipients and message text stay out of the trace.
    const types = payload?.notifications.map((n) => n.type) ?? [];
    annotate({ 'notification.count': types.length, ...(types.length ? { 'notification.types': types.join(',') } : {}) });
    if (payload) await this.outbox.add(tx, [createEvent('PaymentNotified', paymentId, payload, 'notifications')]);
  }
}
