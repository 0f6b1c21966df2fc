import { Injectable } from '@nestjs/common';
import { FailureReason, FraudReason, LineItem } from '@app/contracts';
import { CursorPosition, Database, valuesList } from '@app/platform';
import { FraudDecision, FraudSource, FundsStatus, Payment, PaymentStatus, StockStatus } from './payment';

const COLUMNS = `id, status, failure_reason, payer_vpa, payee_vpa, payer_user_id, payee_user_id, amount_paise, currency, note, items, stock_status,
  funds_status, fraud_decision, fraud_score, fraud_reasons, fraud_assessed_at, fraud_source, created_at, updated_at, completed_at, trace_id, trace_parent,
  refunds_committed_paise, refunded_paise`;

interface PaymentRow {
  id: string;
  status: PaymentStatus;
  failure_reason: FailureReason | null;
  payer_vpa: string;
  payee_vpa: string;
  payer_user_id: string | null;
  payee_user_id: string | null;
  amount_paise: string; // bigint comes back as a string
  currency: 'INR';
  note: string | null;
  items: LineItem[];
  stock_status: StockStatus;
  funds_status: FundsStatus;
  fraud_decision: FraudDecision | null;
  fraud_score: number | null;
  fraud_reasons: FraudReason[] | null;
  fraud_assessed_at: Date | null;
  fraud_source: FraudSource | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  trace_id: string | null;
  trace_parent: string | null;
  refunds_committed_paise: string;
  refunded_paise: string;
}

export interface OverdueQuery {
  /** Only payments older than this. */
  olderThanMs: number;
  /** Older than this, any PENDING payment is overdue... */
  expiredAfterMs: number;
  /** ...and, when true, so is any (older than `olderThanMs`) without a fraud decision. */
  failOpen: boolean;
  limit: number;
}

export interface PaymentFilter {
  /** Payments with this VPA as payer or payee. */
  vpa?: string;
  /** Payments with this user as a party: with `vpa`, the user who held that VPA in that role. */
  partyUserId?: string;
  status?: PaymentStatus;
  after?: CursorPosition;
  limit: number;
}

/** The payments table, in raw parameterised SQL, in the transaction of the unit of work running now. */
@Injectable()
export class PaymentsRepository {
  constructor(private readonly db: Database) {}

  /** New payments, one statement for all. */
  async insert(payments: Payment[]): Promise<void> {
    if (payments.length === 0) return;
    const { sql, params } = valuesList(
      payments.map((p) => [
        p.id,
        p.status,
        p.payerVpa,
        p.payeeVpa,
        p.payerUserId,
        p.payeeUserId,
        p.amountPaise,
        p.currency,
        p.note,
        JSON.stringify(p.items),
        p.stockStatus,
        p.fundsStatus,
        p.createdAt,
        p.updatedAt,
        p.traceId,
        p.traceParent,
      ]),
    );
    await this.db.query(
      `INSERT INTO payments (id, status, payer_vpa, payee_vpa, payer_user_id, payee_user_id, amount_paise, currency, note, items, stock_status,
                             funds_status, created_at, updated_at, trace_id, trace_parent)
       SELECT v.id::uuid, v.status, v.payer_vpa, v.payee_vpa, v.payer_user_id::uuid, v.payee_user_id::uuid, v.amount_paise::bigint, v.currency,
              v.note, v.items::jsonb, v.stock_status, v.funds_status, v.created_at::timestamptz, v.updated_at::timestamptz, v.trace_id, v.trace_parent
         FROM (VALUES ${sql}) AS v (id, status, payer_vpa, payee_vpa, payer_user_id, payee_user_id, amount_paise, currency, note, items,
                                   stock_status, funds_status, created_at, updated_at, trace_id, trace_parent)`,
      params,
    );
  }

  /** Which of these ids are payments. */
  async existing(ids: string[]): Promise<Set<string>> {
    const rows = await this.db.query<{ id: string }>('SELECT id FROM payments WHERE id = ANY($1::uuid[])', [ids]);
    return new Set(rows.map((row) => row.id));
  }

  async findById(id: string): Promise<Payment | null> {
    const rows = await this.db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE id = $1`, [id]);
    return rows.length ? toPayment(rows[0]) : null;
  }

  /**
   * Reads payments and locks their rows until the transaction ends: their facts are applied one at
   * a time. Locked in id order, so two transactions locking overlapping sets cannot deadlock.
   */
  async lockByIds(ids: string[]): Promise<Payment[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
      ids,
    ]);
    return rows.map(toPayment);
  }

  /**
   * Locks a batch of the oldest PENDING payments that may be past a deadline, skipping rows another
   * transaction holds (another instance's sweep, or a fact being applied): each is handled once.
   * Each comes with `now`, the database clock (at millisecond precision) its age was measured against.
   */
  async lockOverdue(overdue: OverdueQuery): Promise<Array<{ payment: Payment; now: Date }>> {
    const rows = await this.db.query<PaymentRow & { db_now: Date }>(
      `SELECT ${COLUMNS}, clock.now AS db_now
         FROM payments, (SELECT date_trunc('milliseconds', now()) AS now) clock
        WHERE status = 'PENDING'
          AND created_at < clock.now - $1 * interval '1 millisecond'
          AND (created_at < clock.now - $2 * interval '1 millisecond' OR ($3 AND fraud_decision IS NULL))
        ORDER BY created_at
        LIMIT $4
          FOR UPDATE OF payments SKIP LOCKED`,
      [overdue.olderThanMs, overdue.expiredAfterMs, overdue.failOpen, overdue.limit],
    );
    return rows.map((row) => ({ payment: toPayment(row), now: row.db_now }));
  }

  /** Stores the saga's progress, one statement for all. Only a PENDING row is ever updated: a final payment never changes. */
  async saveProgress(payments: Payment[]): Promise<void> {
    if (payments.length === 0) return;
    const { sql, params } = valuesList(
      payments.map((p) => [
        p.id,
        p.status,
        p.failureReason,
        p.stockStatus,
        p.fundsStatus,
        p.fraud?.decision ?? null,
        p.fraud?.score ?? null,
        p.fraud?.reasons ?? null,
        p.fraud?.assessedAt ?? null,
        p.fraud?.source ?? null,
        p.updatedAt,
        p.completedAt,
      ]),
    );
    const updated = await this.db.execute(
      `UPDATE payments p
          SET status = v.status, failure_reason = v.failure_reason, stock_status = v.stock_status, funds_status = v.funds_status,
              fraud_decision = v.fraud_decision, fraud_score = v.fraud_score::smallint, fraud_reasons = v.fraud_reasons::text[],
              fraud_assessed_at = v.fraud_assessed_at::timestamptz, fraud_source = v.fraud_source,
              updated_at = v.updated_at::timestamptz, completed_at = v.completed_at::timestamptz
         FROM (VALUES ${sql}) AS v (id, status, failure_reason, stock_status, funds_status, fraud_decision, fraud_score, fraud_reasons,
                                   fraud_assessed_at, fraud_source, updated_at, completed_at)
        WHERE p.id = v.id::uuid AND p.status = 'PENDING'`,
      params,
    );
    if (updated !== payments.length) throw new Error(`${payments.length - updated} of ${payments.length} payments are no longer PENDING`);
  }

  /**
   * Adds to payments' refund sums (negative to take back what a failed refund had committed), one
   * statement for all; the payments_refunds_within_amount constraint refuses any sum past the amount.
   */
  async addToRefunds(changes: Array<{ paymentId: string; committedPaise: number; refundedPaise: number }>): Promise<void> {
    const byPayment = new Map<string, { committed: number; refunded: number }>();
    for (const c of changes) {
      const sum = byPayment.get(c.paymentId) ?? { committed: 0, refunded: 0 };
      byPayment.set(c.paymentId, { committed: sum.committed + c.committedPaise, refunded: sum.refunded + c.refundedPaise });
    }
    const rows = [...byPayment].filter(([, sum]) => sum.committed !== 0 || sum.refunded !== 0);
    if (rows.length === 0) return;
    const { sql, params } = valuesList(rows.map(([id, sum]) => [id, sum.committed, sum.refunded]));
    await this.db.query(
      `UPDATE payments p
          SET refunds_committed_paise = p.refunds_committed_paise + v.committed::bigint,
              refunded_paise = p.refunded_paise + v.refunded::bigint, updated_at = now()
         FROM (VALUES ${sql}) AS v (id, committed, refunded)
        WHERE p.id = v.id::uuid`,
      params,
    );
  }

  /**
   * Newest first, keyset on (created_at, id). A party (VPA, user, or the user of a VPA) matches as
   * payer or as payee: two index range scans (one per role) merged, rather than an OR that could use
   * neither index for the order.
   */
  async list({ vpa, partyUserId, status, after, limit }: PaymentFilter): Promise<Payment[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions: string[] = [];
    if (status) conditions.push(`status = ${param(status)}`);
    if (after) conditions.push(`(created_at, id) < (${param(after.createdAt)}::timestamptz, ${param(after.id)}::uuid)`);
    const order = `ORDER BY created_at DESC, id DESC LIMIT ${param(limit)}`;
    const where = (extra: string[]) => (extra.length ? `WHERE ${extra.join(' AND ')}` : '');
    if (!vpa && !partyUserId) {
      const rows = await this.db.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments ${where(conditions)} ${order}`, params);
      return rows.map(toPayment);
    }
    const v = vpa && param(vpa);
    const u = partyUserId && param(partyUserId);
    const asPayer = [...(v ? [`payer_vpa = ${v}`] : []), ...(u ? [`payer_user_id = ${u}::uuid`] : [])];
    const asPayee = [...(v ? [`payee_vpa = ${v}`] : []), ...(u ? [`payee_user_id = ${u}::uuid`] : [])];
    // The two halves never return the same row: payer <> payee for a VPA; for a user alone (who
    // may pay a VPA of their own), a row where they are payer is left to the first half.
    if (u && !v) asPayee.push(`payer_user_id IS DISTINCT FROM ${u}::uuid`);
    const rows = await this.db.query<PaymentRow>(
      `SELECT ${COLUMNS} FROM (
         (SELECT ${COLUMNS} FROM payments ${where([...asPayer, ...conditions])} ${order})
         UNION ALL
         (SELECT ${COLUMNS} FROM payments ${where([...asPayee, ...conditions])} ${order})
       ) p ${order}`,
      params,
    );
    return rows.map(toPayment);
  }
}

function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    status: row.status,
    failureReason: row.failure_reason,
    payerVpa: row.payer_vpa,
    payeeVpa: row.payee_vpa,
    payerUserId: row.payer_user_id,
    payeeUserId: row.payee_user_id,
    amountPaise: Number(row.amount_paise),
    currency: row.currency,
    note: row.note,
    items: row.items,
    stockStatus: row.stock_status,
    fundsStatus: row.funds_status,
    // payments_fraud_complete, payments_fraud_source_iff_decision: the fraud columns are all set or all null
    fraud:
      row.fraud_decision === null
        ? null
        : {
            decision: row.fraud_decision,
            score: row.fraud_score!,
            reasons: row.fraud_reasons!,
            assessedAt: row.fraud_assessed_at!,
            source: row.fraud_source!,
          },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    traceId: row.trace_id,
    traceParent: row.trace_parent,
    refundsCommittedPaise: Number(row.refunds_committed_paise),
    refundedPaise: Number(row.refunded_paise),
  };
}
