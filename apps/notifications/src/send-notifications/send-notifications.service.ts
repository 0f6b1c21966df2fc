import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { PlannedNotification } from './notification-messages';

@Injectable()
export class SendNotificationsService {
  /**
   * Stores the notifications of one payment. The unique (payment, recipient, type) key makes a
   * second delivery of the same outcome a no-op even if the event id differs.
   */
  async send(tx: EntityManager, paymentId: string, planned: PlannedNotification[]): Promise<void> {
    const values: unknown[] = [];
    const rows = planned.map((n, i) => {
      values.push(randomUUID(), paymentId, n.recipientVpa, n.type, n.message);
      return `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`;
    });
    await tx.query(
      `INSERT INTO notifications (id, payment_id, recipient_vpa, type, message) VALUES ${rows.join(', ')}
       ON CONFLICT (payment_id, recipient_vpa, type) DO NOTHING`,
      values,
    );
  }
}
