import { Injectable } from '@nestjs/common';
import { DomainEvent } from '@app/contracts';
import { AuditLogRepository } from '../audit/audit-log.repository';

@Injectable()
export class RecordOperatorActionsService {
  constructor(private readonly log: AuditLogRepository) {}

  /**
   * What operators did through the other services (OperatorActed, published by libs/auth) joins
   * the audit trail: who, the service and route, the resource, the answer, from where, at the time
   * it happened. One statement per chunk; a redelivered event was applied already (the inbox).
   */
  async recordAll(events: Array<DomainEvent<'OperatorActed'>>): Promise<void> {
    await this.log.appendAll(
      events.map(({ userId, eventId, payload }) => ({
        actor: userId,
        origin: payload.origin,
        at: new Date(payload.actedAt),
        entry: {
          action: 'operator.request',
          resource: `${payload.service}:${payload.resource}`,
          result: payload.status < 400 ? 'SUCCESS' : 'FAILURE',
          detail: { service: payload.service, route: payload.action, status: payload.status, eventId },
        },
      })),
    );
  }
}
