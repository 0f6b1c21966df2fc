import { Injectable } from '@nestjs/common';
import { BEARER_CHALLENGE, Caller } from '@app/auth';
import { unauthenticated } from '@app/platform';
import { User } from './user';
import { UsersRepository } from './users.repository';

/**
 * The refusal of a valid token whose user is not registered here: de-registered since it was
 * issued (refused at once by this service, which owns the fact; other services learn it from
 * UserDeregistered), or never known to this service (another issuer's subject).
 */
export const notRegistered = () =>
  unauthenticated('AUTH.TOKEN_INVALID', 'the access token is not valid: its user is not registered', {
    'www-authenticate': `${BEARER_CHALLENGE}, error="invalid_token"`,
  });

/** The caller's user, from this service's own table: a token outlives neither its user nor their roles here. */
@Injectable()
export class Callers {
  constructor(private readonly users: UsersRepository) {}

  async registered(caller: Caller): Promise<User> {
    const user = await this.users.findRegistered(caller.userId);
    if (!user) throw notRegistered();
    return user;
  }

  /** Like `registered`, with the user locked until the transaction ends. */
  async lockRegistered(caller: Caller): Promise<User> {
    const user = await this.users.lockRegistered(caller.userId);
    if (!user) throw notRegistered();
    return user;
  }
}
