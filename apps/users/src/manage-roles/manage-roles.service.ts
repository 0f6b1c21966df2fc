import { Injectable } from '@nestjs/common';
import { Database } from '@app/platform';
import { Actor, userResource } from '../audit/audit-record';
import { AuditTrail } from '../audit/audit-trail';
import { Role } from '../user';
import { UsersRepository } from '../users.repository';

export type RoleChange = 'granted' | 'revoked' | 'unchanged' | 'no-such-user';

@Injectable()
export class ManageRolesService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly audit: AuditTrail,
  ) {}

  /** Grants a role to the registered user with this phone; it is in their next token. Audited. */
  grant(phone: string, role: Role, actor: Actor): Promise<{ change: RoleChange; userId?: string }> {
    return this.change('grant', phone, role, actor);
  }

  /** Takes a role from the registered user with this phone; tokens issued before keep it until they expire. Audited. */
  revoke(phone: string, role: Role, actor: Actor): Promise<{ change: RoleChange; userId?: string }> {
    return this.change('revoke', phone, role, actor);
  }

  private change(what: 'grant' | 'revoke', phone: string, role: Role, actor: Actor) {
    return this.db.transaction(async () => {
      const action = what === 'grant' ? 'role.grant' : 'role.revoke';
      const found = await this.users.findRegisteredByPhone(phone);
      if (!found) {
        await this.audit.record(actor, { action, resource: null, result: 'FAILURE', detail: { role, reason: 'USER.NOT_FOUND' } });
        return { change: 'no-such-user' as const };
      }
      const userId = found.user.id;
      const changed = what === 'grant' ? await this.users.addRole(userId, role) : await this.users.removeRole(userId, role);
      await this.audit.record(actor, { action, resource: userResource(userId), result: 'SUCCESS', detail: { role, changed } });
      return { change: changed ? (what === 'grant' ? ('granted' as const) : ('revoked' as const)) : ('unchanged' as const), userId };
    });
  }
}
