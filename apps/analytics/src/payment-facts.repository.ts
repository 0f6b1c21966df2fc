import { Injectable } from '@nestjs/common';
import { Database, valuesList } from '@app/platform';
import { FinalFact } from './aggregate-payment-facts/payment-facts';
import { SummaryRow, SummaryView, toSummaryView } from './get-summary/summary-view';

/** A payment as initiated: its creation time as the event carried it. */
export interface PendingFact {
  paymentId: string;
  createdAt: string;
  amountPaise: number;
}

/** Payments created in [from, to); either bound may be left open. */
export interface FactWindow {
  from?: Date;
  to?: Date;
}

/** The payment_facts table: one row per payment, so a payment is counted once. */
@Injectable()
export class PaymentFactsRepository {
  constructor(private readonly db: Database) {}

  /** Payments seen again (or after their final status) keep the rows they already have. One statement for all. */
  async insertPending(facts: PendingFact[]): Promise<void> {
    if (facts.length === 0) return;
    const { sql, params } = valuesList(facts.map((f) => [f.paymentId, f.createdAt, f.amountPaise]));
    await this.db.query(
      `INSERT INTO payment_facts (payment_id, created_at, status, amount_paise)
       SELECT v.payment_id::uuid, v.created_at::timestamptz, 'PENDING', v.amount_paise::bigint
         FROM (VALUES ${sql}) AS v (payment_id, created_at, amount_paise)
       ON CONFLICT (payment_id) DO NOTHING`,
      params,
    );
  }

  /**
   * Sets the final status of each payment, inserting the row if the payment was not seen
   * initiated; only a PENDING row moves. At most one fact per payment (a row cannot be upserted
   * twice in one statement). Returns the payments whose row this changed.
   */
  async finish(facts: Array<FinalFact & { paymentId: string }>): Promise<Set<string>> {
    if (facts.length === 0) return new Set();
    const { sql, params } = valuesList(
      facts.map((f) => [f.paymentId, f.createdAt, f.status, f.failureReason, f.amountPaise, f.completedAt, f.latencyMs]),
    );
    // RETURNING yields a row only when it was inserted or the PENDING row was updated.
    const changed = await this.db.query<{ payment_id: string }>(
      `INSERT INTO payment_facts (payment_id, created_at, status, failure_reason, amount_paise, completed_at, latency_ms)
       SELECT v.payment_id::uuid, v.created_at::timestamptz, v.status, v.failure_reason, v.amount_paise::bigint,
              v.completed_at::timestamptz, v.latency_ms::int
         FROM (VALUES ${sql}) AS v (payment_id, created_at, status, failure_reason, amount_paise, completed_at, latency_ms)
       ON CONFLICT (payment_id) DO UPDATE
         SET status = EXCLUDED.status,
             failure_reason = EXCLUDED.failure_reason,
             completed_at = EXCLUDED.completed_at,
             latency_ms = EXCLUDED.latency_ms
       WHERE payment_facts.status = 'PENDING'
       RETURNING payment_id`,
      params,
    );
    return new Set(changed.map((row) => row.payment_id));
  }

  /**
   * One statement over one snapshot, so the counts always add up: initiated = succeeded + failed +
   * pending. Latency percentiles are over final payments only (pending ones have none yet);
   * percentile_disc picks a real observed latency, so the result is already a whole number.
   */
  async summary({ from, to }: FactWindow): Promise<SummaryView> {
    const conditions: string[] = [];
    const params: Date[] = [];
    if (from) conditions.push(`created_at >= $${params.push(from)}`);
    if (to) conditions.push(`created_at < $${params.push(to)}`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const [row] = await this.db.query<SummaryRow>(
      `WITH facts AS (SELECT status, failure_reason, amount_paise, latency_ms FROM payment_facts ${where})
       SELECT count(*)                                     AS initiated,
              count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded,
              count(*) FILTER (WHERE status = 'FAILED')    AS failed,
              count(*) FILTER (WHERE status = 'PENDING')   AS pending,
              coalesce(sum(amount_paise) FILTER (WHERE status = 'SUCCEEDED'), 0)::text AS succeeded_paise,
              percentile_disc(0.50) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status <> 'PENDING') AS p50,
              percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status <> 'PENDING') AS p95,
              percentile_disc(0.99) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status <> 'PENDING') AS p99,
              (SELECT jsonb_object_agg(failure_reason, n)
                 FROM (SELECT failure_reason, count(*) AS n FROM facts WHERE status = 'FAILED' GROUP BY failure_reason) r
              ) AS failures_by_reason
         FROM facts`,
      params,
    );
    return toSummaryView(row);
  }
}
