import { Inject, Injectable } from '@nestjs/common';
import { Database, rateLimited, unauthenticated } from '@app/platform';
import { BEARER_CHALLENGE } from '@app/auth';
import { Actor, userResource } from '../audit/audit-record';
import { AuditTrail } from '../audit/audit-trail';
import { THROTTLE_SETTINGS, ThrottleSettings } from '../config';
import { Passwords } from '../passwords/passwords';
import { loginKey } from '../throttles/throttle-keys';
import { ThrottlesRepository } from '../throttles/throttles.repository';
import { IssuedToken, TokenSigner } from '../tokens/token-signer';
import { UsersRepository } from '../users.repository';
import { IssueTokenDto } from './issue-token.dto';

/** One refusal for an unknown phone and a wrong password alike: which of the two it was is not told. */
const invalidCredentials = () =>
  unauthenticated('AUTH.INVALID_CREDENTIALS', 'the phone or the password is wrong', { 'www-authenticate': BEARER_CHALLENGE });

@Injectable()
export class IssueTokenService {
  constructor(
    private readonly db: Database,
    private readonly users: UsersRepository,
    private readonly passwords: Passwords,
    private readonly throttles: ThrottlesRepository,
    private readonly signer: TokenSigner,
    private readonly audit: AuditTrail,
    @Inject(THROTTLE_SETTINGS) private readonly settings: ThrottleSettings,
  ) {}

  /**
   * Signs in with a phone and a password. After `loginMaxFailures` failures for one phone within
   * `loginWindowS` (counted from the first), every attempt for it gets 429 until that window ends,
   * even with the right password; a success ends the count. Unknown phones cost the same hashing
   * as wrong passwords, so timing does not tell who is registered. Every outcome is audited, by the
   * user id when the phone is someone's, never by the phone.
   */
  async issue({ phone, password }: IssueTokenDto, origin: string): Promise<IssuedToken> {
    const key = loginKey(phone);
    const found = await this.users.findRegisteredByPhone(phone);
    const resource = found ? userResource(found.user.id) : null;
    const anonymous: Actor = { userId: null, origin };

    const count = await this.throttles.peek(key);
    if (count && count.hits >= this.settings.loginMaxFailures) {
      await this.audit.record(anonymous, { action: 'token.issue', resource, result: 'FAILURE', detail: { reason: 'AUTH.THROTTLED' } });
      throw rateLimited('AUTH.THROTTLED', 'too many failed sign-ins for this phone; try again later', count.remainingS);
    }

    const matches = await this.passwords.verify(password, found?.passwordHash ?? null);
    if (!found || !matches) {
      await this.db.transaction(async () => {
        await this.throttles.hit(key, this.settings.loginWindowS);
        await this.audit.record(anonymous, {
          action: 'token.issue',
          resource,
          result: 'FAILURE',
          detail: { reason: 'AUTH.INVALID_CREDENTIALS' },
        });
      });
      throw invalidCredentials();
    }

    const { user } = found;
    const { jti, ...token } = await this.signer.issue(user.id, user.roles);
    await this.db.transaction(async () => {
      await this.throttles.clear(key);
      await this.audit.record(
        { userId: user.id, origin },
        { action: 'token.issue', resource: userResource(user.id), result: 'SUCCESS', detail: { jti, roles: user.roles } },
      );
    });
    return token;
  }
}
