import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { FailureReason, FraudReason, LineItem } from '@app/contracts';
import { CursorPosition } from '@app/platform';
import { FraudDecision, Payment, PaymentStatus, StockStatus } from './payment';

const COLUMNS = `id, status, failure_reason, payer_vpa, payee_vpa, amount_paise, currency, note, items, stock_status,
  fraud_decision, fraud_score, fraud_reasons, fraud_assessed_at, created_at, updated_at, completed_at, trace_id`;

interface PaymentRow {
  id: string;
  status: PaymentStatus;
  failure_reason: FailureReason | null;
  payer_vpa: string;
  payee_vpa: string;
  amount_paise: string; // bigint comes back as a string
  currency: 'INR';
  note: string | null;
  items: LineItem[];
  stock_status: StockStatus;
  fraud_decision: FraudDecision | null;
  fraud_score: number | null;
  fraud_reasons: FraudReason[] | null;
  fraud_assessed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  trace_id: string | null;
}

export interface PaymentFilter {
  vpa?: string;
  status?: PaymentStatus;
  after?: CursorPosition;
  limit: number;
}

/** The payments table, in raw parameterised SQL. */
@Injectable()
export class PaymentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, p: Payment): Promise<void> {
    await tx.query(
      `INSERT INTO payments (id, status, payer_vpa, payee_vpa, amount_paise, currency, note, items, stock_status, created_at, updated_at, trace_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12)`,
      [
        p.id,
        p.status,
        p.payerVpa,
        p.payeeVpa,
        p.amountPaise,
        p.currency,
        p.note,
        JSON.stringify(p.items),
        p.stockStatus,
        p.createdAt,
        p.updatedAt,
        p.traceId,
      ],
    );
  }

  async exists(tx: EntityManager, id: string): Promise<boolean> {
    const rows: unknown[] = await tx.query('SELECT 1 FROM payments WHERE id = $1', [id]);
    return rows.length > 0;
  }

  async findById(id: string): Promise<Payment | null> {
    const rows: PaymentRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM payments WHERE id = $1`, [id]);
    return rows.length ? toPayment(rows[0]) : null;
  }

  /** Reads a payment and locks its row until the transaction ends: its facts are applied one at a time. */
  async lockById(tx: EntityManager, id: string): Promise<Payment | null> {
    const rows: PaymentRow[] = await tx.query(`SELECT ${COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length ? toPayment(rows[0]) : null;
  }

  /** Stores the saga's progress. Only a PENDING row is ever updated: a final payment never changes. */
  async saveProgress(tx: EntityManager, p: Payment): Promise<void> {
    const [, updated] = (await tx.query(
      `UPDATE payments
          SET status = $2, failure_reason = $3, stock_status = $4, fraud_decision = $5, fraud_score = $6,
              fraud_reasons = $7, fraud_assessed_at = $8, updated_at = $9, completed_at = $10
        WHERE id = $1 AND status = 'PENDING'`,
      [
        p.id,
        p.status,
        p.failureReason,
        p.stockStatus,
        p.fraud?.decision ?? null,
        p.fraud?.score ?? null,
        p.fraud?.reasons ?? null,
        p.fraud?.assessedAt ?? null,
        p.updatedAt,
        p.completedAt,
      ],
    )) as [unknown, number];
    if (updated !== 1) throw new Error(`payment ${p.id} is no longer PENDING`);
  }

  /**
   * Newest first, keyset on (created_at, id). A VPA matches payer or payee: two index range scans
   * (one per role) merged, rather than an OR that could not use either index for the order.
   */
  async list({ vpa, status, after, limit }: PaymentFilter): Promise<Payment[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions: string[] = [];
    if (status) conditions.push(`status = ${param(status)}`);
    if (after) conditions.push(`(created_at, id) < (${param(after.createdAt)}::timestamptz, ${param(after.id)}::uuid)`);
    const order = `ORDER BY created_at DESC, id DESC LIMIT ${param(limit)}`;
    const where = (extra: string[]) => (extra.length ? `WHERE ${extra.join(' AND ')}` : '');
    let sql: string;
    if (vpa) {
      const v = param(vpa);
      // payer <> payee, so the two halves never return the same row
      sql = `SELECT ${COLUMNS} FROM (
               (SELECT ${COLUMNS} FROM payments ${where([`payer_vpa = ${v}`, ...conditions])} ${order})
               UNION ALL
               (SELECT ${COLUMNS} FROM payments ${where([`payee_vpa = ${v}`, ...conditions])} ${order})
             ) p ${order}`;
    } else {
      sql = `SELECT ${COLUMNS} FROM payments ${where(conditions)} ${order}`;
    }
    const rows: PaymentRow[] = await this.dataSource.query(sql, params);
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
    amountPaise: Number(row.amount_paise),
    currency: row.currency,
    note: row.note,
    items: row.items,
    stockStatus: row.stock_status,
    // payments_fraud_complete: the fraud columns are all set or all null
    fraud:
      row.fraud_decision === null
        ? null
        : { decision: row.fraud_decision, score: row.fraud_score!, reasons: row.fraud_reasons!, assessedAt: row.fraud_assessed_at! },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    traceId: row.trace_id,
  };
}
