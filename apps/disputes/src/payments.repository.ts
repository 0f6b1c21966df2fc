import { Injectable } from '@nestjs/common';
import { Database, valuesList } from '@app/platform';
import { TrackedPayment, TrackedPaymentStatus } from './tracked-payment';

interface PaymentRow {
  id: string;
  payer_vpa: string;
  payee_vpa: string;
  payer_user_id: string | null;
  payee_user_id: string | null;
  amount_paise: string;
  status: TrackedPaymentStatus;
  created_at: Date;
  completed_at: Date | null;
}

const COLUMNS = 'id, payer_vpa, payee_vpa, payer_user_id, payee_user_id, amount_paise, status, created_at, completed_at';

/** The payments this service knows of, from their events (the payments projection). */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Stores what events say of payments (one fact per id), one statement for all: a payment not
   * known yet is added as it is; a known one only ever goes from PENDING to final (a final status
   * never goes back, a contradicting one is ignored), whatever order the facts come in.
   */
  async upsert(payments: TrackedPayment[]): Promise<void> {
    if (payments.length === 0) return;
    const { sql, params } = valuesList(
      payments.map((p) => [
        p.id,
        p.payerVpa,
        p.payeeVpa,
        p.payerUserId,
        p.payeeUserId,
        p.amountPaise,
        p.status,
        p.createdAt,
        p.completedAt,
      ]),
    );
    await this.db.query(
      `INSERT INTO payments (${COLUMNS})
       SELECT v.id::uuid, v.payer_vpa, v.payee_vpa, v.payer_user_id::uuid, v.payee_user_id::uuid, v.amount_paise::bigint, v.status,
              v.created_at::timestamptz, v.completed_at::timestamptz
         FROM (VALUES ${sql}) AS v (${COLUMNS})
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, completed_at = EXCLUDED.completed_at
        WHERE payments.status = 'PENDING' AND EXCLUDED.status <> 'PENDING'`,
      params,
    );
  }

  /** A payment, locked until the transaction ends: disputes of one payment are filed one at a time. */
  async lock(id: string): Promise<TrackedPayment | null> {
    const [row] = await this.db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`, [id]);
    return row ? toPayment(row) : null;
  }
}

function toPayment(row: PaymentRow): TrackedPayment {
  return {
    id: row.id,
    payerVpa: row.payer_vpa,
    payeeVpa: row.payee_vpa,
    payerUserId: row.payer_user_id,
    payeeUserId: row.payee_user_id,
    amountPaise: Number(row.amount_paise),
    status: row.status,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}
