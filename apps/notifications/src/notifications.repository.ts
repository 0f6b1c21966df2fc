import { Injectable } from '@nestjs/common';
import { CursorPosition, Database, valuesList } from '@app/platform';
import { Notification, NotificationType } from './notification';

interface NotificationRow {
  id: string;
  payment_id: string;
  subject_id: string;
  refund_id: string | null;
  dispute_id: string | null;
  recipient_vpa: string | null;
  recipient_user_id: string | null;
  type: NotificationType;
  message: string;
  created_at: Date;
}

export interface NotificationFilter {
  vpa?: string;
  type?: NotificationType;
  /** Only this user's notifications (`recipient_user_id`); null: everyone's, those of no known user (and operators') included. */
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
   * subject, recipient, type) key makes a repeat a no-op, also within the statement (the first of
   * two equal rows is stored). Returns the ids of those stored.
   */
  async insertNew(notifications: Array<Omit<Notification, 'createdAt'>>): Promise<Set<string>> {
    if (notifications.length === 0) return new Set();
    const { sql, params } = valuesList(
      notifications.map((n) => [
        n.id,
        n.paymentId,
        n.subjectId,
        n.refundId,
        n.disputeId,
        n.recipientVpa,
        n.recipientUserId,
        n.type,
        n.message,
      ]),
    );
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO notifications (id, payment_id, subject_id, refund_id, dispute_id, recipient_vpa, recipient_user_id, type, message)
       SELECT v.id::uuid, v.payment_id::uuid, v.subject_id::uuid, v.refund_id::uuid, v.dispute_id::uuid, v.recipient_vpa,
              v.recipient_user_id::uuid, v.type, v.message
         FROM (VALUES ${sql}) AS v (id, payment_id, subject_id, refund_id, dispute_id, recipient_vpa, recipient_user_id, type, message)
       ON CONFLICT (payment_id, subject_id, recipient_vpa, type) DO NOTHING
       RETURNING id`,
      params,
    );
    return new Set(rows.map((row) => row.id));
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
  async list({ vpa, type, recipientUserId, after, limit }: NotificationFilter): Promise<Notification[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (vpa) conditions.push(`n.recipient_vpa = $${params.push(vpa)}`);
    if (type) conditions.push(`n.type = $${params.push(type)}`);
    if (recipientUserId !== null) conditions.push(`n.recipient_user_id = $${params.push(recipientUserId)}`);
    if (after) conditions.push(`(n.created_at, n.id) < ($${params.push(after.createdAt)}, $${params.push(after.id)})`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.db.query<NotificationRow>(
      `SELECT n.id, n.payment_id, n.subject_id, n.refund_id, n.dispute_id, n.recipient_vpa, n.recipient_user_id, n.type, n.message,
              n.created_at
         FROM notifications n ${where}
        ORDER BY n.created_at DESC, n.id DESC LIMIT $${params.push(limit)}`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      paymentId: row.payment_id,
      subjectId: row.subject_id,
      refundId: row.refund_id,
      disputeId: row.dispute_id,
      recipientVpa: row.recipient_vpa,
      recipientUserId: row.recipient_user_id,
      type: row.type,
      message: row.message,
      createdAt: row.created_at,
    }));
  }
}
