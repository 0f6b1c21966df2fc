import { Injectable } from '@nestjs/common';
import { RefundFailureReason } from '@app/contracts';
import { Database, valuesList } from '@app/platform';
import { Refund, RefundStatus } from './refund';

const COLUMNS = `id, payment_id, amount_paise, reason, status, failure_reason, dispute_id, requested_by, created_at, updated_at,
  completed_at, trace_id, trace_parent`;

interface RefundRow {
  id: string;
  payment_id: string;
  amount_paise: string;
  reason: string;
  status: RefundStatus;
  failure_reason: RefundFailureReason | null;
  dispute_id: string | null;
  requested_by: string;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  trace_id: string | null;
  trace_parent: string | null;
}

/** The refunds table, in the transaction of the unit of work running now. */
@Injectable()
export class RefundsRepository {
  constructor(private readonly db: Database) {}

  /** New refunds, one statement for all; a second refund for one dispute is refused by its unique key. */
  async insert(refunds: Refund[]): Promise<void> {
    if (refunds.length === 0) return;
    const { sql, params } = valuesList(
      refunds.map((r) => [
        r.id,
        r.paymentId,
        r.amountPaise,
        r.reason,
        r.status,
        r.failureReason,
        r.disputeId,
        r.requestedBy,
        r.createdAt,
        r.updatedAt,
        r.completedAt,
        r.traceId,
        r.traceParent,
      ]),
    );
    await this.db.query(
      `INSERT INTO refunds (${COLUMNS})
       SELECT v.id::uuid, v.payment_id::uuid, v.amount_paise::bigint, v.reason, v.status, v.failure_reason, v.dispute_id::uuid,
              v.requested_by::uuid, v.created_at::timestamptz, v.updated_at::timestamptz, v.completed_at::timestamptz, v.trace_id, v.trace_parent
         FROM (VALUES ${sql}) AS v (${COLUMNS})`,
      params,
    );
  }

  /** Reads refunds and locks them until the transaction ends, in id order. */
  async lockByIds(ids: string[]): Promise<Refund[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<RefundRow>(`SELECT ${COLUMNS} FROM refunds WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
      [...new Set(ids)],
    ]);
    return rows.map(toRefund);
  }

  /** The refunds already made for these disputes. */
  async ofDisputes(disputeIds: string[]): Promise<Refund[]> {
    if (disputeIds.length === 0) return [];
    const rows = await this.db.query<RefundRow>(`SELECT ${COLUMNS} FROM refunds WHERE dispute_id = ANY($1::uuid[])`, [disputeIds]);
    return rows.map(toRefund);
  }

  /** A payment's refunds, oldest first. */
  async ofPayment(paymentId: string): Promise<Refund[]> {
    const rows = await this.db.query<RefundRow>(`SELECT ${COLUMNS} FROM refunds WHERE payment_id = $1 ORDER BY created_at, id`, [
      paymentId,
    ]);
    return rows.map(toRefund);
  }

  /** The oldest PENDING refunds requested longer than `olderThanMs` ago (by the database clock). */
  async overdue(olderThanMs: number, limit: number): Promise<Array<{ id: string; paymentId: string; traceParent: string | null }>> {
    const rows = await this.db.query<{ id: string; payment_id: string; trace_parent: string | null }>(
      `SELECT id, payment_id, trace_parent FROM refunds
        WHERE status = 'PENDING' AND created_at < now() - $1 * interval '1 millisecond'
        ORDER BY created_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((row) => ({ id: row.id, paymentId: row.payment_id, traceParent: row.trace_parent }));
  }

  /** Stores final outcomes; only a PENDING refund is ever updated (and the trigger refuses anything else). */
  async saveOutcomes(refunds: Refund[]): Promise<void> {
    if (refunds.length === 0) return;
    const { sql, params } = valuesList(refunds.map((r) => [r.id, r.status, r.failureReason, r.updatedAt, r.completedAt]));
    const updated = await this.db.execute(
      `UPDATE refunds r
          SET status = v.status, failure_reason = v.failure_reason, updated_at = v.updated_at::timestamptz,
              completed_at = v.completed_at::timestamptz
         FROM (VALUES ${sql}) AS v (id, status, failure_reason, updated_at, completed_at)
        WHERE r.id = v.id::uuid AND r.status = 'PENDING'`,
      params,
    );
    if (updated !== refunds.length) throw new Error(`${refunds.length - updated} of ${refunds.length} refunds are no longer PENDING`);
  }
}

function toRefund(row: RefundRow): Refund {
  return {
    id: row.id,
    paymentId: row.payment_id,
    amountPaise: Number(row.amount_paise),
    reason: row.reason,
    status: row.status,
    failureReason: row.failure_reason,
    disputeId: row.dispute_id,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    traceId: row.trace_id,
    traceParent: row.trace_parent,
  };
}
