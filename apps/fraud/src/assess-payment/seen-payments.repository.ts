import { Injectable } from '@nestjs/common';
import { Database, valuesList } from '@app/platform';

/** A payment the velocity rule counts: its payer and when it was created (epoch ms). */
export interface SeenPayment {
  paymentId: string;
  payerVpa: string;
  createdAt: number;
}

/** A payment to count from now on, its creation time as the event carried it (stored at full precision). */
export interface NewSeenPayment {
  paymentId: string;
  payerVpa: string;
  createdAt: string;
}

/** The velocity rule's state: the seen_payments table, and the per-payer locks that guard it. */
@Injectable()
export class SeenPaymentsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Takes the payers' advisory locks until the transaction ends, in one order (by hash), so two
   * transactions locking overlapping payers never wait on each other.
   */
  async lockPayers(payers: string[]): Promise<void> {
    if (payers.length === 0) return;
    await this.db.query(
      `SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext('velocity:' || v) AS h FROM unnest($1::text[]) AS v) s ORDER BY h`,
      [payers],
    );
  }

  /** The payers' payments created strictly between `after` and `before`. */
  async within(payers: string[], after: Date, before: Date): Promise<SeenPayment[]> {
    const rows = await this.db.query<{ payment_id: string; payer_vpa: string; created_at: Date }>(
      `SELECT payment_id, payer_vpa, created_at FROM seen_payments
        WHERE payer_vpa = ANY($1::text[]) AND created_at > $2 AND created_at < $3`,
      [payers, after, before],
    );
    return rows.map((row) => ({ paymentId: row.payment_id, payerVpa: row.payer_vpa, createdAt: row.created_at.getTime() }));
  }

  /** One statement for all; a payment already seen keeps its row. */
  async add(payments: NewSeenPayment[]): Promise<void> {
    if (payments.length === 0) return;
    const { sql, params } = valuesList(payments.map((p) => [p.paymentId, p.payerVpa, p.createdAt]));
    await this.db.query(
      `INSERT INTO seen_payments (payment_id, payer_vpa, created_at)
       SELECT v.payment_id::uuid, v.payer_vpa, v.created_at::timestamptz FROM (VALUES ${sql}) AS v (payment_id, payer_vpa, created_at)
       ON CONFLICT DO NOTHING`,
      params,
    );
  }
}
