import { Injectable } from '@nestjs/common';
import { createEvent } from '@app/contracts';
import { Outbox, UnitOfWork } from '@app/messaging';
import { conflict, DomainError } from '@app/platform';
import { Caller } from '@app/auth';
import { vpaResource } from '../audit/audit-record';
import { AuditTrail } from '../audit/audit-trail';
import { Callers } from '../callers';
import { MAX_VPAS, USERS_PRODUCER } from '../user';
import { toVpaView, VpaView } from '../user.view';
import { VpasRepository } from '../vpas.repository';

const taken = (vpa: string) => conflict('VPA.TAKEN', `${vpa} is linked already (to you or to someone else)`);
const limitReached = () => new DomainError('VPA.LIMIT_REACHED', `a user holds at most ${MAX_VPAS} VPAs; unlink one first`, 'UNPROCESSABLE');

@Injectable()
export class LinkVpaService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly callers: Callers,
    private readonly vpas: VpasRepository,
    private readonly outbox: Outbox,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Links a (lowercase) VPA to the caller (VpaLinked): 409 when it is linked to anyone, the caller
   * included; 422 for a sixth. The user row is locked, so one user's links are counted one at a
   * time; the unique index decides between two users linking one VPA at once. Refusals are
   * audited in a transaction that commits, then thrown.
   */
  async link(caller: Caller, vpa: string, origin: string): Promise<VpaView> {
    const outcome = await this.uow.run(async (): Promise<VpaView | DomainError> => {
      const user = await this.callers.lockRegistered(caller);
      const actor = { userId: user.id, origin };
      const refuse = async (error: DomainError) => {
        await this.audit.record(actor, {
          action: 'vpa.link',
          resource: vpaResource(vpa),
          result: 'FAILURE',
          detail: { reason: error.code },
        });
        return error;
      };
      if (await this.vpas.isLinked(vpa)) return refuse(taken(vpa));
      if ((await this.vpas.linkedTo(user.id)).length >= MAX_VPAS) return refuse(limitReached());
      const link = await this.vpas.linkIfFree(user.id, vpa);
      if (!link) return refuse(taken(vpa));
      await this.outbox.add([createEvent('VpaLinked', user.id, { vpa, linkedAt: link.linkedAt.toISOString() }, USERS_PRODUCER)]);
      await this.audit.record(actor, { action: 'vpa.link', resource: vpaResource(vpa), result: 'SUCCESS' });
      return toVpaView(link);
    });
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }
}
