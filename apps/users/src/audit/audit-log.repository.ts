import { Injectable } from '@nestjs/common';
import { CursorPosition, Database, valuesList } from '@app/platform';
import { AuditEntry, AuditRecord } from './audit-record';
import { timeOrderedId } from './time-ordered-id';

interface AuditRow {
  id: string;
  at: Date;
  actor: string | null;
  action: AuditRecord['action'];
  resource: string | null;
  result: AuditRecord['result'];
  origin: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  actor?: string;
  from?: Date;
  to?: Date;
  after?: CursorPosition;
  limit: number;
}

/** The audit_log table: append-only (the database refuses UPDATE, DELETE and TRUNCATE). */
@Injectable()
export class AuditLogRepository {
  constructor(private readonly db: Database) {}

  /** One record, at the database's time now. */
  async append(actor: string | null, origin: string | null, entry: AuditEntry): Promise<void> {
    await this.appendAll([{ actor, origin, entry }]);
  }

  /** Many records in one statement; each at `at` when given (when it happened elsewhere), else now. */
  async appendAll(records: Array<{ actor: string | null; origin: string | null; at?: Date; entry: AuditEntry }>): Promise<void> {
    if (records.length === 0) return;
    const { sql, params } = valuesList(
      records.map(({ actor, origin, at, entry }) => [
        timeOrderedId(),
        at ?? null,
        actor,
        entry.action,
        entry.resource,
        entry.result,
        origin,
        JSON.stringify(entry.detail ?? {}),
      ]),
    );
    await this.db.query(
      `INSERT INTO audit_log (id, at, actor, action, resource, result, origin, detail)
       SELECT v.id::uuid, coalesce(v.at::timestamptz, clock_timestamp()), v.actor::uuid, v.action, v.resource, v.result, v.origin, v.detail::jsonb
         FROM (VALUES ${sql}) AS v (id, at, actor, action, resource, result, origin, detail)`,
      params,
    );
  }

  /** Newest first, keyset on (at, id): ids are time-ordered, so records of one transaction keep their order. `from` inclusive, `to` exclusive. */
  async list({ actor, from, to, after, limit }: AuditQuery): Promise<AuditRecord[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const conditions: string[] = [];
    if (actor) conditions.push(`actor = ${param(actor)}::uuid`);
    if (from) conditions.push(`at >= ${param(from)}`);
    if (to) conditions.push(`at < ${param(to)}`);
    if (after) conditions.push(`(at, id) < (${param(after.createdAt)}::timestamptz, ${param(after.id)}::uuid)`);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.db.query<AuditRow>(
      `SELECT id, at, actor, action, resource, result, origin, detail FROM audit_log ${where}
        ORDER BY at DESC, id DESC LIMIT ${param(limit)}`,
      params,
    );
    return rows.map((row) => ({ ...row }));
  }
}
