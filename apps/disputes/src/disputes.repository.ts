import { Injectable } from '@nestjs/common';
import { DisputeReason } from '@app/contracts';
import { CursorPosition, Database } from '@app/platform';
import { Dispute } from './dispute';
import { DisputeStatus, NON_FINAL_STATUSES } from './dispute-status';
import { RefundStatus } from './tracked-payment';

interface DisputeRow {
  id: string;
  payment_id: string;
  payer_vpa: string;
  payee_vpa: string;
  payer_user_id: string;
  payee_user_id: string | null;
  amount_paise: string;
  reason: DisputeReason;
  description: string;
  status: DisputeStatus;
  escalated_at: Date | null;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  created_at: Date;
  updated_at: Date;
  refund_id: string | null;
  refund_status: RefundStatus | null;
  refund_failure_reason: string | null;
}

const OWN = `id, payment_id, payer_vpa, payee_vpa, payer_user_id, payee_user_id, amount_paise, reason, description, status, escalated_at,
  resolution_note, resolved_by, resolved_at, created_at, updated_at`;
const OWN_OF_D = OWN.split(',')
  .map((column) => `d.${column.trim()}`)
  .join(', ');
/** A dispute with the refund its resolution made (the latest requested, should there be more than one). */
const SELECT = `SELECT ${OWN_OF_D}, r.id AS refund_id, r.status AS refund_status, r.failure_reason AS refund_failure_reason
  FROM disputes d
  LEFT JOIN LATERAL (SELECT id, status, failure_reason FROM refunds WHERE dispute_id = d.id ORDER BY requested_at DESC, id LIMIT 1) r ON true`;

export interface DisputeFilter {
  /** Disputes with this user as payer or payee. */
  partyUserId?: string;
  status?: DisputeStatus;
  after?: CursorPosition;
  limit: number;
}

/** What a transition writes besides the status: the resolution, for a resolution. */
export interface TransitionChanges {
  resolution?: { note: string; resolvedBy: string };
}

/** The disputes table, in raw parameterised SQL, in the transaction of the unit of work running now. */
@Injectable()
export class DisputesRepository {
  constructor(private readonly db: Database) {}

  async insert(d: Dispute): Promise<void> {
    await this.db.query(
      `INSERT INTO disputes (id, payment_id, payer_vpa, payee_vpa, payer_user_id, payee_user_id, amount_paise, reason, description, status,
                             created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
      [
        d.id,
        d.paymentId,
        d.payerVpa,
        d.payeeVpa,
        d.payerUserId,
        d.payeeUserId,
        d.amountPaise,
        d.reason,
        d.description,
        d.status,
        d.createdAt,
      ],
    );
  }

  async find(id: string): Promise<Dispute | null> {
    const [row] = await this.db.query<DisputeRow>(`${SELECT} WHERE d.id = $1`, [id]);
    return row ? toDispute(row) : null;
  }

  /**
   * A dispute, locked until the transaction ends: `update` for a change of status (two changes
   * of one dispute are decided one after the other, the second on what the first committed),
   * `share` for a comment (no change of status commits while it is written).
   */
  async lock(id: string, mode: 'update' | 'share'): Promise<Dispute | null> {
    const [row] = await this.db.query<DisputeRow>(`${SELECT} WHERE d.id = $1 FOR ${mode === 'update' ? 'UPDATE' : 'SHARE'} OF d`, [id]);
    return row ? toDispute(row) : null;
  }

  /** Whether a payment has a dispute that is not final. */
  async hasOpen(paymentId: string): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM disputes WHERE payment_id = $1 AND status = ANY($2::text[])', [
      paymentId,
      NON_FINAL_STATUSES,
    ]);
    return rows.length > 0;
  }

  /**
   * Moves a dispute from `from` to `to` at `at`, only if it is still in `from`: false (nothing
   * written) when it is not. The disputes_forward_only trigger refuses a move the diagram lacks.
   */
  async transition(id: string, from: DisputeStatus, to: DisputeStatus, at: Date, { resolution }: TransitionChanges = {}): Promise<boolean> {
    const updated = await this.db.execute(
      `UPDATE disputes SET status = $3, updated_at = $4, resolution_note = $5, resolved_by = $6, resolved_at = $7
        WHERE id = $1 AND status = $2`,
      [id, from, to, at, resolution?.note ?? null, resolution?.resolvedBy ?? null, resolution ? at : null],
    );
    return updated === 1;
  }

  /**
   * Newest first, keyset on (created_at, id). A user's disputes (as payer or as payee) are two
   * index range scans merged, rather than an OR that could use neither index for the order.
   */
  async list({ partyUserId, status, after, limit }: DisputeFilter): Promise<Dispute[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions: string[] = [];
    if (status) conditions.push(`status = ${param(status)}`);
    if (after) conditions.push(`(created_at, id) < (${param(after.createdAt)}::timestamptz, ${param(after.id)}::uuid)`);
    const order = `ORDER BY created_at DESC, id DESC LIMIT ${param(limit)}`;
    const where = (extra: string[]) => (extra.length ? `WHERE ${extra.join(' AND ')}` : '');
    let ids: string;
    if (!partyUserId) {
      ids = `SELECT id, created_at FROM disputes ${where(conditions)} ${order}`;
    } else {
      const u = param(partyUserId);
      // The halves never return the same row: one where the user is payer is left to the first.
      ids = `SELECT id, created_at FROM (
               (SELECT id, created_at FROM disputes ${where([`payer_user_id = ${u}::uuid`, ...conditions])} ${order})
               UNION ALL
               (SELECT id, created_at FROM disputes
                 ${where([`payee_user_id = ${u}::uuid`, `payer_user_id <> ${u}::uuid`, ...conditions])} ${order})
             ) p ${order}`;
    }
    const rows = await this.db.query<DisputeRow>(
      `${SELECT} WHERE d.id IN (SELECT id FROM (${ids}) page) ORDER BY d.created_at DESC, d.id DESC`,
      params,
    );
    return rows.map(toDispute);
  }

  /**
   * Marks escalated the oldest disputes OPEN longer than `slaMs` (by the database clock) and not
   * escalated yet, at most `limit`, and returns them. Rows another transaction holds (another
   * instance's sweep, a review being written) are skipped: each dispute is escalated once.
   */
  async escalateOverdue(slaMs: number, limit: number): Promise<Dispute[]> {
    const rows = await this.db.query<DisputeRow>(
      `WITH due AS (
         SELECT id FROM disputes
          WHERE status = 'OPEN' AND escalated_at IS NULL AND created_at < now() - $1 * interval '1 millisecond'
          ORDER BY created_at
          LIMIT $2
            FOR UPDATE SKIP LOCKED
       ), escalated AS (
         UPDATE disputes SET escalated_at = date_trunc('milliseconds', now()), updated_at = date_trunc('milliseconds', now())
          WHERE id IN (SELECT id FROM due)
         RETURNING ${OWN}
       )
       SELECT ${OWN_OF_D}, NULL AS refund_id, NULL AS refund_status, NULL AS refund_failure_reason FROM escalated d ORDER BY d.created_at`,
      [slaMs, limit],
    );
    return rows.map(toDispute);
  }
}

function toDispute(row: DisputeRow): Dispute {
  return {
    id: row.id,
    paymentId: row.payment_id,
    payerVpa: row.payer_vpa,
    payeeVpa: row.payee_vpa,
    payerUserId: row.payer_user_id,
    payeeUserId: row.payee_user_id,
    amountPaise: Number(row.amount_paise),
    reason: row.reason,
    description: row.description,
    status: row.status,
    escalatedAt: row.escalated_at,
    resolutionNote: row.resolution_note,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    refund: row.refund_id ? { id: row.refund_id, status: row.refund_status!, failureReason: row.refund_failure_reason } : null,
  };
}
