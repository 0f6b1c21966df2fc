import { Injectable } from '@nestjs/common';
import { FundsRejectionReason } from '@app/contracts';
import { Database } from '@app/platform';
import { Hold, HoldKind, HoldStatus } from './hold';

interface HoldRow {
  id: string;
  kind: HoldKind;
  payment_id: string;
  payer_vpa: string;
  payee_vpa: string;
  amount_paise: string;
  day: string;
  status: HoldStatus;
  reason: FundsRejectionReason | null;
}

/** The holds table: one row per payment and per refund the ledger has heard of. */
@Injectable()
export class HoldsRepository {
  constructor(private readonly db: Database) {}

  /** These holds (by payment or refund id), locked until the transaction ends, in id order. */
  async lock(ids: string[]): Promise<Hold[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<HoldRow>(
      `SELECT id, kind, payment_id, payer_vpa, payee_vpa, amount_paise, day::text AS day, status, reason
         FROM holds WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[...new Set(ids)]],
    );
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
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
   * id). The holds_two_phase trigger refuses any status change but PENDING → POSTED | VOIDED.
   */
  async save(holds: Hold[]): Promise<void> {
    if (holds.length === 0) return;
    const sorted = [...holds].sort((a, b) => (a.id < b.id ? -1 : 1));
    await this.db.query(
      `INSERT INTO holds AS h (id, kind, payment_id, payer_vpa, payee_vpa, amount_paise, day, status, reason)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::date[], $8::text[], $9::text[])
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = now() WHERE h.status <> excluded.status`,
      [
        sorted.map((h) => h.id),
        sorted.map((h) => h.kind),
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
