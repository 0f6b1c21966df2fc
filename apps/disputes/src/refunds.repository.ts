import { Injectable } from '@nestjs/common';
import { Database, valuesList } from '@app/platform';
import { TrackedRefund } from './tracked-payment';

const COLUMNS = 'id, payment_id, dispute_id, amount_paise, status, failure_reason, requested_at, completed_at';

/** The refunds of payments, one row per refund id, from the refund events. */
@Injectable()
export class RefundsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores what events say of refunds (one fact per id), one statement for all: a refund is
   * counted once however often its events come, and only ever goes from PENDING to final.
   */
  async upsert(refunds: TrackedRefund[]): Promise<void> {
    if (refunds.length === 0) return;
    const { sql, params } = valuesList(
      refunds.map((r) => [r.id, r.paymentId, r.disputeId, r.amountPaise, r.status, r.failureReason, r.requestedAt, r.completedAt]),
    );
    await this.db.query(
      `INSERT INTO refunds (${COLUMNS})
       SELECT v.id::uuid, v.payment_id::uuid, v.dispute_id::uuid, v.amount_paise::bigint, v.status, v.failure_reason,
              v.requested_at::timestamptz, v.completed_at::timestamptz
         FROM (VALUES ${sql}) AS v (${COLUMNS})
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, failure_reason = EXCLUDED.failure_reason, completed_at = EXCLUDED.completed_at
        WHERE refunds.status = 'PENDING' AND EXCLUDED.status <> 'PENDING'`,
      params,
    );
  }

  /**
   * What a payment's refunds take, in paise: the SUCCEEDED ones and those still PENDING (as payments
   * counts them), so that a dispute never asks for what a refund under way is already giving back.
   */
  async refundedPaise(paymentId: string): Promise<number> {
    const [row] = await this.db.query<{ total: string }>(
      `SELECT COALESCE(sum(amount_paise), 0) AS total FROM refunds WHERE payment_id = $1 AND status IN ('PENDING', 'SUCCEEDED')`,
      [paymentId],
    );
    return Number(row.total);
  }
}
