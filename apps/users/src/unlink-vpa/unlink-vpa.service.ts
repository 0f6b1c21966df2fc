import { Injectable } from '@nestjs/common';
import { createEvent } from '@app/contracts';
import { Outbox, UnitOfWork } from '@app/messaging';
import { DomainError, notFound } from '@app/platform';
import { Caller } from '@app/auth';
import { vpaResource } from '../audit/audit-record';
import { AuditTrail } from '../audit/audit-trail';
import { Callers } from '../callers';
import { USERS_PRODUCER } from '../user';
import { VpasRepository } from '../vpas.repository';

@Injectable()
export class UnlinkVpaService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly callers: Callers,
    private readonly vpas: VpasRepository,
    private readonly outbox: Outbox,
    private readonly audit: AuditTrail,
  ) {}

  /** Unlinks one of the caller's VPAs (VpaUnlinked); 404 for one that is not theirs, linked or not. */
  async unlink(caller: Caller, vpa: string, origin: string): Promise<void> {
    const refusal = await this.uow.run(async () => {
      const user = await this.callers.lockRegistered(caller);
      const actor = { userId: user.id, origin };
      const unlinkedAt = await this.vpas.unlink(user.id, vpa);
      if (!unlinkedAt) {
        const error = notFound('VPA.NOT_FOUND', `${vpa} is not linked to you`);
        await this.audit.record(actor, {
          action: 'vpa.unlink',
          resource: vpaResource(vpa),
          result: 'FAILURE',
          detail: { reason: error.code },
        });
        return error;
      }
      await this.outbox.add([createEvent('VpaUnlinked', user.id, { vpa, unlinkedAt: unlinkedAt.toISOString() }, USERS_PRODUCER)]);
      await this.audit.record(actor, { action: 'vpa.unlink', resource: vpaResource(vpa), result: 'SUCCESS' });
      return null;
    });
    if (refusal instanceof DomainError) throw refusal;
  }
}
