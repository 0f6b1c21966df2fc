import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { Entry, EntryDraft, EntryKind } from './entry';

interface EntryRow {
  id: string;
  vpa: string;
  kind: EntryKind;
  amount_paise: string;
  balance_after: string;
  payment_id: string | null;
  reference: string | null;
  transfer_id: string;
  at: Date;
}

const COLUMNS = 'id, vpa, kind, amount_paise, balance_after, payment_id, reference, transfer_id, at';

/** The journal: append-only (the entries_append_only trigger refuses UPDATE and DELETE). */
@Injectable()
export class EntriesRepository {
  constructor(private readonly db: Database) {}

  /** Appends entries in the order given (ids ascending), one statement for all. */
  async append(drafts: EntryDraft[]): Promise<Entry[]> {
    if (drafts.length === 0) return [];
    const rows = await this.db.query<EntryRow>(
      `INSERT INTO entries (vpa, kind, amount_paise, balance_after, payment_id, reference, transfer_id)
       SELECT v.vpa, v.kind, v.amount, v.balance_after, v.payment_id, v.reference, v.transfer_id
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::uuid[], $6::text[], $7::uuid[])
              WITH ORDINALITY AS v (vpa, kind, amount, balance_after, payment_id, reference, transfer_id, n)
        ORDER BY v.n
       RETURNING ${COLUMNS}`,
      [
        drafts.map((d) => d.vpa),
        drafts.map((d) => d.kind),
        drafts.map((d) => d.amountPaise),
        drafts.map((d) => d.balanceAfter),
        drafts.map((d) => d.paymentId),
        drafts.map((d) => d.reference),
        drafts.map((d) => d.transferId),
      ],
    );
    return rows.map(toEntry).sort((a, b) => Number(a.id) - Number(b.id));
  }

  async find(id: string): Promise<Entry | null> {
    const [row] = await this.db.query<EntryRow>(`SELECT ${COLUMNS} FROM entries WHERE id = $1`, [id]);
    return row ? toEntry(row) : null;
  }

  /** An account's statement, newest first, keyset on the id (entries are never changed). */
  async statement(vpa: string, beforeId: string | undefined, limit: number): Promise<Entry[]> {
    const rows = await this.db.query<EntryRow>(
      `SELECT ${COLUMNS} FROM entries WHERE vpa = $1 AND ($2::bigint IS NULL OR id < $2::bigint) ORDER BY id DESC LIMIT $3`,
      [vpa, beforeId ?? null, limit],
    );
    return rows.map(toEntry);
  }
}

function toEntry(row: EntryRow): Entry {
  return {
    id: String(row.id),
    vpa: row.vpa,
    kind: row.kind,
    amountPaise: Number(row.amount_paise),
    balanceAfter: Number(row.balance_after),
    paymentId: row.payment_id,
    reference: row.reference,
    transferId: row.transfer_id,
    at: row.at,
  };
}
