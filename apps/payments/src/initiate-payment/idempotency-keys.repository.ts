import { Injectable } from '@nestjs/common';
import { Database, valuesList } from '@app/platform';
import { PaymentView } from '../payment.view';

/**
 * A payer's use of an Idempotency-Key: the request it was first used with, and the answer given.
 * Keys are scoped to the payer's user: another user's key of the same text is another key.
 */
export interface IdempotencyRecord {
  payerUserId: string;
  payerVpa: string;
  key: string;
  requestHash: string;
  statusCode: number;
  response: PaymentView;
  paymentId: string;
}

interface IdempotencyRow {
  payer_vpa: string;
  request_hash: string;
  status_code: number;
  response: PaymentView;
  payment_id: string;
}

/** The idempotency_keys table, in raw parameterised SQL. */
@Injectable()
export class IdempotencyKeysRepository {
  constructor(private readonly db: Database) {}

  /**
   * Claims keys for their requests, with the answers to replay, in the current transaction; returns
   * the payment ids of the records it stored (a key the payer already used is left as it is). While
   * another transaction that claimed one of the keys is still open, this waits for it to end (the
   * primary key's uniqueness check), so concurrent requests with one key are answered one after the
   * other. The keys must be distinct.
   */
  async claim(records: IdempotencyRecord[]): Promise<Set<string>> {
    if (records.length === 0) return new Set();
    const { sql, params } = valuesList(
      records.map((r) => [r.payerUserId, r.payerVpa, r.key, r.requestHash, r.statusCode, JSON.stringify(r.response), r.paymentId]),
    );
    // In key order: two batches claiming the same keys take them in the same order.
    const rows = await this.db.query<{ payment_id: string }>(
      `INSERT INTO idempotency_keys (payer_user_id, payer_vpa, key, request_hash, status_code, response, payment_id)
       SELECT v.payer_user_id::uuid, v.payer_vpa, v.key, v.request_hash, v.status_code::int, v.response::jsonb, v.payment_id::uuid
         FROM (VALUES ${sql}) AS v (payer_user_id, payer_vpa, key, request_hash, status_code, response, payment_id)
        ORDER BY v.payer_user_id, v.key
       ON CONFLICT (payer_user_id, key) DO NOTHING
       RETURNING payment_id`,
      params,
    );
    return new Set(rows.map((row) => row.payment_id));
  }

  /** The key as the payer's user used it before, locked until the transaction ends; null if there is none (any more). */
  async lock(payerUserId: string, key: string): Promise<IdempotencyRecord | null> {
    const rows = await this.db.query<IdempotencyRow>(
      `SELECT payer_vpa, request_hash, status_code, response, payment_id FROM idempotency_keys
        WHERE payer_user_id = $1 AND key = $2 FOR UPDATE`,
      [payerUserId, key],
    );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      payerUserId,
      payerVpa: row.payer_vpa,
      key,
      requestHash: row.request_hash,
      statusCode: row.status_code,
      response: row.response,
      paymentId: row.payment_id,
    };
  }

  /** Deletes up to `limit` keys older than `hours` (by the database clock); returns how many went. */
  async purgeOlderThan(hours: number, limit: number): Promise<number> {
    return this.db.execute(
      `DELETE FROM idempotency_keys
        WHERE (payer_user_id, key) IN (
          SELECT payer_user_id, key FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)`,
      [hours, limit],
    );
  }
}
