import { Injectable } from '@nestjs/common';
import { CursorPosition, Database, valuesList } from '@app/platform';
import { Notification, NotificationType } from './notification';

interface NotificationRow {
  id: string;
  payment_id: string;
  recipient_vpa: string;
  recipient_user_id: string | null;
  type: NotificationType;
  message: string;
  created_at: Date;
}

/** Which notification was stored: enough to tell it from the others of its payment. */
export type StoredNotification = Pick<Notification, 'paymentId' | 'recipientVpa' | 'type'>;

export interface NotificationFilter {
  vpa?: string;
  /** Only this user's notifications (`recipient_user_id`); null: everyone's, those of no known user included. */
  recipientUserId: string | null;
  /** Only those after this position, newest first. */
  after?: CursorPosition;
  limit: number;
}

/** The notifications table. */
@Injectable()
export class NotificationsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores the notifications that are not there yet, one statement for all: the unique (payment,
   * recipient, type) key makes a repeat a no-op. Returns what was stored.
   */
  async insertNew(notifications: Array<Omit<Notification, 'createdAt'>>): Promise<StoredNotification[]> {
    if (notifications.length === 0) return [];
    const { sql, params } = valuesList(notifications.map((n) => [n.id, n.paymentId, n.recipientVpa, n.recipientUserId, n.type, n.message]));
    const rows = await this.db.query<{ payment_id: string; recipient_vpa: string; type: NotificationType }>(
      `INSERT INTO notifications (id, payment_id, recipient_vpa, recipient_user_id, type, message)
       SELECT v.id::uuid, v.payment_id::uuid, v.recipient_vpa, v.recipient_user_id::uuid, v.type, v.message
         FROM (VALUES ${sql}) AS v (id, payment_id, recipient_vpa, recipient_user_id, type, message)
       ON CONFLICT (payment_id, recipient_vpa, type) DO NOTHING
       RETURNING payment_id, recipient_vpa, type`,
      params,
    );
    return rows.map((row) => ({ paymentId: row.payment_id, recipientVpa: row.recipient_vpa, type: row.type }));
  }

  /** Whether this user has any notification to this VPA. */
  async anyTo(recipientUserId: string, vpa: string): Promise<boolean> {
    const rows = await this.db.query<{ one: number }>(
      'SELECT 1 AS one FROM notifications WHERE recipient_vpa = $1 AND recipient_user_id = $2 LIMIT 1',
      [vpa, recipientUserId],
    );
    return rows.length > 0;
  }

  /** Newest first, keyset-paged on (created_at, id) so pages neither skip nor repeat. */
  async list({ vpa, recipientUserId, after, limit }: NotificationFilter): Promise<Notification[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (vpa) conditions.push(`n.recipient_vpa = $${params.push(vpa)}`);
    if (recipientUserId !== null) conditions.push(`n.recipient_user_id = $${params.push(recipientUserId)}`);
    if (after) conditions.push(`(n.created_at, n.id) < ($${params.push(after.createdAt)}, $${params.push(after.id)})`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.db.query<NotificationRow>(
      `SELECT n.id, n.payment_id, n.recipient_vpa, n.recipient_user_id, n.type, n.message, n.created_at FROM notifications n ${where}
        ORDER BY n.created_at DESC, n.id DESC LIMIT $${params.push(limit)}`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      paymentId: row.payment_id,
      recipientVpa: row.recipient_vpa,
      recipientUserId: row.recipient_user_id,
      type: row.type,
      message: row.message,
      createdAt: row.created_at,
    }));
  }
}
