import { Injectable } from '@nestjs/common';
import { FundsRejectionReason } from '@app/contracts';
import { Database } from '@app/platform';
import { Hold, HoldStatus } from './hold';

interface HoldRow {
  payment_id: string;
  payer_vpa: string;
  payee_vpa: string;
  amount_paise: string;
  day: string;
  status: HoldStatus;
  reason: FundsRejectionReason | null;
}

/** The holds table: one row per payment the ledger has heard of. */
@Injectable()
export class HoldsRepository {
  constructor(private readonly db: Database) {}

  /** The holds of these payments, locked until the transaction ends, in payment id order. */
  async lock(paymentIds: string[]): Promise<Hold[]> {
    if (paymentIds.length === 0) return [];
    const rows = await this.db.query<HoldRow>(
      `SELECT payment_id, payer_vpa, payee_vpa, amount_paise, day::text AS day, status, reason
         FROM holds WHERE payment_id = ANY($1::uuid[]) ORDER BY payment_id FOR UPDATE`,
      [[...new Set(paymentIds)]],
    );
    return rows.map((row) => ({
      paymentId: row.payment_id,
      payerVpa: row.payer_vpa,
      payeeVpa: row.payee_vpa,
      amountPaise: Number(row.amount_paise),
      day: row.day,
      status: row.status,
      reason: row.reason,
    }));
  }

  /**
   * Stores new holds and the new status of existing ones, one statement for all (at most one per
   * payment). The holds_two_phase trigger refuses any status change but PENDING → POSTED | VOIDED.
   */
  async save(holds: Hold[]): Promise<void> {
    if (holds.length === 0) return;
    const sorted = [...holds].sort((a, b) => (a.paymentId < b.paymentId ? -1 : 1));
    await this.db.query(
      `INSERT INTO holds AS h (payment_id, payer_vpa, payee_vpa, amount_paise, day, status, reason)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::date[], $6::text[], $7::text[])
       ON CONFLICT (payment_id) DO UPDATE SET status = excluded.status, updated_at = now() WHERE h.status <> excluded.status`,
      [
        sorted.map((h) => h.paymentId),
        sorted.map((h) => h.payerVpa),
        sorted.map((h) => h.payeeVpa),
        sorted.map((h) => h.amountPaise),
        sorted.map((h) => h.day),
        sorted.map((h) => h.status),
        sorted.map((h) => h.reason),
      ],
    );
  }
}
