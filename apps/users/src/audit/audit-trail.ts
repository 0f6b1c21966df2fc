import { Injectable } from '@nestjs/common';
import { AuditLogRepository } from './audit-log.repository';
import { Actor, AuditEntry } from './audit-record';

/**
 * Writes audit records in the current transaction, so a record commits with the change it tells
 * of. A refusal is recorded in a transaction that commits (the use case returns its refusal and
 * throws only after), so failures are on record too.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly log: AuditLogRepository) {}

  record(actor: Actor, entry: AuditEntry): Promise<void> {
    return this.log.append(actor.userId, actor.origin, entry);
  }
}
