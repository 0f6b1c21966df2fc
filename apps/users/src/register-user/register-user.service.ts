import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createEvent } from '@app/contracts';
import { Outbox, UnitOfWork } from '@app/messaging';
import { conflict } from '@app/platform';
import { Actor, userResource } from '../audit/audit-record';
import { AuditTrail } from '../audit/audit-trail';
import { OPERATOR_PHONES } from '../config';
import { Passwords } from '../passwords/passwords';
import { OPERATOR_ROLE, USERS_PRODUCER } from '../user';
import { toUserView, UserView } from '../user.view';
import { UsersRepository } from '../users.repository';
import { RegisterUserDto } from './register-user.dto';

@Injectable()
export class RegisterUserService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UsersRepository,
    private readonly passwords: Passwords,
    private readonly outbox: Outbox,
    private readonly audit: AuditTrail,
    @Inject(OPERATOR_PHONES) private readonly operatorPhones: string[],
  ) {}

  /**
   * Registers a user (UserRegistered), an operator from the start when the phone is in
   * OPERATOR_PHONES. A phone taken by a registered user is a 409, and on record.
   */
  async register({ name, phone, password }: RegisterUserDto, actor: Actor): Promise<UserView> {
    // Slow on purpose, so outside the transaction.
    const passwordHash = await this.passwords.hash(password);
    const roles = this.operatorPhones.includes(phone) ? [OPERATOR_ROLE] : [];
    const user = await this.uow.run(async () => {
      const created = await this.users.insertIfPhoneFree({ id: randomUUID(), name, phone, passwordHash, roles });
      if (!created) {
        await this.audit.record(actor, {
          action: 'user.register',
          resource: null,
          result: 'FAILURE',
          detail: { reason: 'USER.PHONE_TAKEN' },
        });
        return null;
      }
      const resource = userResource(created.id);
      await this.outbox.add([
        createEvent('UserRegistered', created.id, { registeredAt: created.createdAt.toISOString(), roles }, USERS_PRODUCER),
      ]);
      await this.audit.record(
        { ...actor, userId: created.id },
        { action: 'user.register', resource, result: 'SUCCESS', detail: { roles } },
      );
      if (roles.includes(OPERATOR_ROLE)) {
        await this.audit.record(
          { ...actor, userId: null },
          { action: 'role.grant', resource, result: 'SUCCESS', detail: { role: OPERATOR_ROLE, by: 'OPERATOR_PHONES' } },
        );
      }
      return created;
    });
    if (!user) throw conflict('USER.PHONE_TAKEN', 'a registered user already has this phone');
    return toUserView(user);
  }
}
