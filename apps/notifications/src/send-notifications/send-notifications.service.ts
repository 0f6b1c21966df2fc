import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { valuesList } from '@app/platform';
import { PlannedNotification } from './notification-messages';

@Injectable()
export class SendNotificationsService {
  /**
   * Stores the notifications of one payment. The unique (payment, recipient, type) key makes a
   * second delivery of the same outcome a no-op even if the event id differs.
   */
  async send(tx: EntityManager, paymentId: string, planned: PlannedNotification[]): Promise<void> {
    const { sql, params } = valuesList(planned.map((n) => [randomUUID(), paymentId, n.recipientVpa, n.type, n.message]));
    await tx.query(
      `INSERT INTO notifications (id, payment_id, recipient_vpa, type, message) VALUES ${sql}
       ON CONFLICT (payment_id, recipient_vpa, type) DO NOTHING`,
      params,
    );
  }
}
