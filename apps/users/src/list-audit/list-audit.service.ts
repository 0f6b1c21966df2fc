import { Injectable } from '@nestjs/common';
import { decodeCursor, forbidden, page } from '@app/platform';
import { Caller } from '@app/auth';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { AuditTrail } from '../audit/audit-trail';
import { Callers } from '../callers';
import { OPERATOR_ROLE } from '../user';
import { ListAuditQueryDto } from './list-audit.dto';

export interface AuditRecordView {
  id: string;
  at: string;
  actor: string | null;
  action: string;
  resource: string | null;
  result: string;
  origin: string | null;
  detail: Record<string, unknown>;
}

@Injectable()
export class ListAuditService {
  constructor(
    private readonly callers: Callers,
    private readonly log: AuditLogRepository,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * The audit trail, newest first, keyset-paged. Operators only, by their role now (this
   * service's own table, so a revoked role stops here before the token expires). The read is an
   * operator action and is audited itself.
   */
  async list(caller: Caller, { actor, from, to, limit, cursor }: ListAuditQueryDto, origin: string) {
    const user = await this.callers.registered(caller);
    if (!user.roles.includes(OPERATOR_ROLE)) throw forbidden('AUTH.FORBIDDEN', `this needs the role ${OPERATOR_ROLE}`);
    const after = cursor ? decodeCursor(cursor) : undefined;
    const rows = await this.log.list({
      actor,
      from: from ? new Date(from) : undefined,
      to: to ? new Date(to) : undefined,
      after,
      limit: limit + 1,
    });
    const result = page(rows, limit, (record) => ({ createdAt: record.at.toISOString(), id: record.id }));
    await this.audit.record(
      { userId: user.id, origin },
      { action: 'audit.read', resource: 'audit_log', result: 'SUCCESS', detail: { filters: { actor, from, to }, cursor: cursor ?? null } },
    );
    const data: AuditRecordView[] = result.data.map((record) => ({ ...record, at: record.at.toISOString() }));
    return { data, nextCursor: result.nextCursor };
  }
}
