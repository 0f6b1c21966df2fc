import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, KeyedLimit, Limits, unauthenticated } from '@app/platform';
import { BEARER_CHALLENGE } from '@app/auth';
import { Actor, userResource } from '../audit/audit-record';
import { AuditTrail } from '../audit/audit-trail';
import { THROTTLE_SETTINGS, ThrottleSettings } from '../config';
import { Passwords } from '../passwords/passwords';
import { IssuedToken, TokenSigner } from '../tokens/token-signer';
import { UsersRepository } from '../users.repository';
import { IssueTokenDto } from './issue-token.dto';

/** One refusal for an unknown phone and a wrong password alike: which of the two it was is not told. */
const invalidCredentials = () =>
  unauthenticated('AUTH.INVALID_CREDENTIALS', 'the phone or the password is wrong', { 'www-authenticate': BEARER_CHALLENGE });

/**
 * The login throttle's key: a phone only as a hash, so neither Redis nor a log ever holds it (the
 * throttle counts attempts for numbers that belong to nobody too).
 */
const phoneKey = (phone: string) => createHash('sha256').update(phone).digest('base64url');

@Injectable()
export class IssueTokenService {
  private readonly failures: KeyedLimit;

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: Passwords,
    private readonly signer: TokenSigner,
    private readonly audit: AuditTrail,
    limits: Limits,
    @Inject(THROTTLE_SETTINGS) settings: ThrottleSettings,
  ) {
    this.failures = limits.define('login', {
      points: settings.loginMaxFailures,
      durationS: settings.loginWindowS,
      code: 'AUTH.THROTTLED',
    });
  }

  /**
   * Signs in with a phone and a password. After `loginMaxFailures` failures for one phone within
   * `loginWindowS` (counted from the first, in Redis, so every instance counts together), every
   * attempt for it gets 429 until that window ends, even with the right password; a success ends
   * the count. Each attempt is counted before the password is checked and forgotten after a
   * success, so that concurrent wrong attempts cannot slip past the limit. Unknown phones cost the
   * same hashing as wrong passwords, so timing does not tell who is registered. Every outcome is
   * audited, by the user id when the phone is someone's, never by the phone.
   */
  async issue({ phone, password }: IssueTokenDto, origin: string): Promise<IssuedToken> {
    const key = phoneKey(phone);
    const found = await this.users.findRegisteredByPhone(phone);
    const resource = found ? userResource(found.user.id) : null;
    const anonymous: Actor = { userId: null, origin };

    try {
      await this.failures.consume(key);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'AUTH.THROTTLED') {
        await this.audit.record(anonymous, { action: 'token.issue', resource, result: 'FAILURE', detail: { reason: error.code } });
      }
      throw error;
    }

    const matches = await this.passwords.verify(password, found?.passwordHash ?? null);
    if (!found || !matches) {
      await this.audit.record(anonymous, {
        action: 'token.issue',
        resource,
        result: 'FAILURE',
        detail: { reason: 'AUTH.INVALID_CREDENTIALS' },
      });
      throw invalidCredentials();
    }

    const { user } = found;
    const { jti, ...token } = await this.signer.issue(user.id, user.roles);
    await this.audit.record(
      { userId: user.id, origin },
      { action: 'token.issue', resource: userResource(user.id), result: 'SUCCESS', detail: { jti, roles: user.roles } },
    );
    await this.failures.reset(key);
    return token;
  }
}
