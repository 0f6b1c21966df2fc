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
   * pending, and so do the refunds' and disputes' counts. Latency percentiles are over final
   * payments only (pending ones have none yet); percentile_disc picks a real observed latency, so
   * the result is already a whole number. Refunds and disputes are counted in the window of their
   * payment's creation time, like everything else here (not of when they were asked for): the
   * summary of a window is about the payments made in it, what became of them afterwards included.
   * One whose payment this service has not recorded counts only without a window: a refund's events
   * follow its payment's on the same partition, so that is a payment from before analytics existed;
   * a dispute's come on another topic, so also, for a moment, one whose payment's facts lag behind.
   */
  async summary({ from, to }: FactWindow): Promise<SummaryView> {
    const params: Date[] = [];
    const bounds: Array<[string, Date]> = [];
    if (from) bounds.push(['>=', from]);
    if (to) bounds.push(['<', to]);
    const placeholders = bounds.map(([op, at]) => [op, `$${params.push(at)}`] as const);
    // The same bounds (and parameters) on the creation time of the payment, wherever it is read from.
    const windowOn = (column: string) =>
      placeholders.length ? `WHERE ${placeholders.map(([op, placeholder]) => `${column} ${op} ${placeholder}`).join(' AND ')}` : '';
    const [row] = await this.db.query<SummaryRow>(
      `WITH facts AS (SELECT status, failure_reason, amount_paise, latency_ms FROM payment_facts ${windowOn('created_at')}),
            refunds AS (SELECT r.status, r.amount_paise FROM refund_facts r
                          LEFT JOIN payment_facts p ON p.payment_id = r.payment_id ${windowOn('p.created_at')}),
            disputes AS (SELECT d.status FROM dispute_facts d
                           LEFT JOIN payment_facts p ON p.payment_id = d.payment_id ${windowOn('p.created_at')})
       SELECT f.*, r.*, d.*
         FROM (SELECT count(*)                                     AS initiated,
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
                 FROM facts) f,
              -- each an aggregate without GROUP BY: exactly one row, whatever the tables hold
              (SELECT count(*)                                     AS refunds_requested,
                      count(*) FILTER (WHERE status = 'SUCCEEDED') AS refunds_succeeded,
                      count(*) FILTER (WHERE status = 'FAILED')    AS refunds_failed,
                      count(*) FILTER (WHERE status = 'PENDING')   AS refunds_pending,
                      coalesce(sum(amount_paise) FILTER (WHERE status = 'SUCCEEDED'), 0)::text AS refunded_paise
                 FROM refunds) r,
              (SELECT count(*)                                              AS disputes_opened,
                      count(*) FILTER (WHERE status = 'RESOLVED_FOR_PAYER') AS disputes_resolved_for_payer,
                      count(*) FILTER (WHERE status = 'RESOLVED_FOR_PAYEE') AS disputes_resolved_for_payee,
                      count(*) FILTER (WHERE status = 'WITHDRAWN')          AS disputes_withdrawn,
                      count(*) FILTER (WHERE status = 'OPEN')               AS disputes_pending
                 FROM disputes) d`,
      params,
    );
    return toSummaryView(row);
  }
}
