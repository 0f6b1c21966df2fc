import { Injectable } from '@nestjs/common';
import { Database, valuesList } from '@app/platform';
import { RefundFact } from './aggregate-refund-facts/refund-facts';

/** The refund_facts table: one row per refund, so each is counted once. */
@Injectable()
export class RefundFactsRepository {
  constructor(private readonly db: Database) {}

  /** Refunds seen again (or after their final status) keep the rows they already have. */
  async insertRequested(facts: RefundFact[]): Promise<void> {
    if (facts.length === 0) return;
    const { sql, params } = valuesList(facts.map((f) => [f.refundId, f.paymentId, f.amountPaise, f.disputeId, f.requestedAt]));
    await this.db.query(
      `INSERT INTO refund_facts (refund_id, payment_id, status, amount_paise, dispute_id, requested_at)
       SELECT v.refund_id::uuid, v.payment_id::uuid, 'PENDING', v.amount_paise::bigint, v.dispute_id::uuid, v.requested_at::timestamptz
         FROM (VALUES ${sql}) AS v (refund_id, payment_id, amount_paise, dispute_id, requested_at)
       ON CONFLICT (refund_id) DO NOTHING`,
      params,
    );
  }

  /**
   * Sets the final status of each refund once, inserting the row if the refund was not seen
   * requested; only a PENDING row moves, so a second or contradicting final event changes nothing.
   * At most one fact per refund.
   */
  async finish(facts: RefundFact[]): Promise<void> {
    if (facts.length === 0) return;
    const { sql, params } = valuesList(
      facts.map((f) => [f.refundId, f.paymentId, f.status, f.failureReason, f.amountPaise, f.disputeId, f.requestedAt, f.completedAt]),
    );
    await this.db.query(
      `INSERT INTO refund_facts (refund_id, payment_id, status, failure_reason, amount_paise, dispute_id, requested_at, completed_at)
       SELECT v.refund_id::uuid, v.payment_id::uuid, v.status, v.failure_reason, v.amount_paise::bigint, v.dispute_id::uuid,
              v.requested_at::timestamptz, v.completed_at::timestamptz
         FROM (VALUES ${sql}) AS v (refund_id, payment_id, status, failure_reason, amount_paise, dispute_id, requested_at, completed_at)
       ON CONFLICT (refund_id) DO UPDATE
         SET status = EXCLUDED.status,
             failure_reason = EXCLUDED.failure_reason,
             completed_at = EXCLUDED.completed_at
       WHERE refund_facts.status = 'PENDING'`,
      params,
    );
  }
}
