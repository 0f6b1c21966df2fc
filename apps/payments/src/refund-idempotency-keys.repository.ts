import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { RefundView } from './refund.view';

export interface RefundKeyRecord {
  userId: string;
  key: string;
  requestHash: string;
  response: RefundView;
  refundId: string;
}

/** The refund_idempotency_keys table: a user's Idempotency-Key for a refund request, with the answer to replay. */
@Injectable()
export class RefundIdempotencyKeysRepository {
  constructor(private readonly db: Database) {}

  /** The key as the user used it before, locked until the transaction ends; null if there is none (any more). */
  async lock(userId: string, key: string): Promise<Omit<RefundKeyRecord, 'userId' | 'key'> | null> {
    const [row] = await this.db.query<{ request_hash: string; response: RefundView; refund_id: string }>(
      'SELECT request_hash, response, refund_id FROM refund_idempotency_keys WHERE user_id = $1 AND key = $2 FOR UPDATE',
      [userId, key],
    );
    return row ? { requestHash: row.request_hash, response: row.response, refundId: row.refund_id } : null;
  }

  /**
   * Claims the key for this answer; false when a concurrent transaction claimed it first (this one
   * waits for that one to end, through the primary key's uniqueness check).
   */
  async claim(record: RefundKeyRecord): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO refund_idempotency_keys (user_id, key, request_hash, response, refund_id) VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
      [record.userId, record.key, record.requestHash, JSON.stringify(record.response), record.refundId],
    );
    return rows.length === 1;
  }

  /** Deletes up to `limit` keys older than `hours` (by the database clock); returns how many went. */
  async purgeOlderThan(hours: number, limit: number): Promise<number> {
    return this.db.execute(
      `DELETE FROM refund_idempotency_keys
        WHERE (user_id, key) IN (
          SELECT user_id, key FROM refund_idempotency_keys WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)`,
      [hours, limit],
    );
  }
}
