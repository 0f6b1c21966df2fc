import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { HistoryEntry } from './dispute';
import { DisputeStatus } from './dispute-status';

interface HistoryRow {
  dispute_id: string;
  from_status: DisputeStatus | null;
  to_status: DisputeStatus;
  changed_by: string;
  changed_at: Date;
}

/** Every status change of every dispute: append-only (the dispute_history_append_only trigger refuses UPDATE and DELETE). */
@Injectable()
export class DisputeHistoryRepository {
  constructor(private readonly db: Database) {}

  async append(entry: HistoryEntry): Promise<void> {
    await this.db.query(
      'INSERT INTO dispute_history (dispute_id, from_status, to_status, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5)',
      [entry.disputeId, entry.from, entry.to, entry.changedBy, entry.changedAt],
    );
  }

  /** A dispute's history, oldest first. */
  async of(disputeId: string): Promise<HistoryEntry[]> {
    const rows = await this.db.query<HistoryRow>(
      'SELECT dispute_id, from_status, to_status, changed_by, changed_at FROM dispute_history WHERE dispute_id = $1 ORDER BY id',
      [disputeId],
    );
    return rows.map((row) => ({
      disputeId: row.dispute_id,
      from: row.from_status,
      to: row.to_status,
      changedBy: row.changed_by,
      changedAt: row.changed_at,
    }));
  }
}
