import { Injectable } from '@nestjs/common';
import { createEvent } from '@app/contracts';
import { Outbox, UnitOfWork } from '@app/messaging';
import { Caller } from '@app/auth';
import { userResource, vpaResource } from '../audit/audit-record';
import { AuditTrail } from '../audit/audit-trail';
import { Callers } from '../callers';
import { USERS_PRODUCER } from '../user';
import { UsersRepository } from '../users.repository';
import { VpasRepository } from '../vpas.repository';

@Injectable()
export class DeregisterUserService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly callers: Callers,
    private readonly users: UsersRepository,
    private readonly vpas: VpasRepository,
    private readonly outbox: Outbox,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * De-registers the caller: every VPA of theirs is unlinked (VpaUnlinked each), then the user
   * (UserDeregistered, naming the VPAs), in one transaction. Their payments stay where they are.
   * From the commit on this service refuses their tokens; the others once they have the event.
   */
  async deregister(caller: Caller, origin: string): Promise<void> {
    await this.uow.run(async () => {
      const user = await this.callers.lockRegistered(caller);
      const deregisteredAt = await this.users.markDeregistered(user.id);
      const unlinked = await this.vpas.unlinkAll(user.id);
      const vpas = unlinked.map((link) => link.vpa);
      await this.outbox.add([
        ...unlinked.map((link) =>
          createEvent('VpaUnlinked', user.id, { vpa: link.vpa, unlinkedAt: link.unlinkedAt.toISOString() }, USERS_PRODUCER),
        ),
        createEvent('UserDeregistered', user.id, { vpas, deregisteredAt: deregisteredAt.toISOString() }, USERS_PRODUCER),
      ]);
      const actor = { userId: user.id, origin };
      for (const vpa of vpas) {
        await this.audit.record(actor, {
          action: 'vpa.unlink',
          resource: vpaResource(vpa),
          result: 'SUCCESS',
          detail: { by: 'user.deregister' },
        });
      }
      await this.audit.record(actor, { action: 'user.deregister', resource: userResource(user.id), result: 'SUCCESS', detail: { vpas } });
    });
  }
}
