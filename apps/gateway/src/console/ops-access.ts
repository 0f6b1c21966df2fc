import { createHash } from 'node:crypto';
import { CanActivate, ExecutionContext, Injectable, Provider } from '@nestjs/common';
import { AuthenticatedRequest, AuthGuard, RevokedUsersRepository, TokenVerifier } from '@app/auth';
import { ServiceConfig, unavailable } from '@app/platform';
import { Upstreams } from '../upstreams';

/** How long the users service's word that a token's user is still registered holds (the services' guard: the same). */
const CONFIRMED_FOR_MS = 2000;
const MAX_REMEMBERED = 10_000;

/**
 * A de-registered user's tokens stop working at once (access.md). The services know it from their
 * projection of revoked users; the gateway has no database, so, once libs/auth's guard has
 * verified the token and the operator role, it asks the users service (GET /v1/users/me with the
 * same token): a 401 there is a 401 here. Only a hash of the token is remembered, for 2 s.
 */
@Injectable()
export class StillRegistered implements CanActivate {
  private readonly confirmedUntil = new Map<string, number>();

  constructor(
    private readonly upstreams: Upstreams,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const authorization = request.headers.authorization ?? '';
    const key = createHash('sha256').update(authorization).digest('base64url');
    if ((this.confirmedUntil.get(key) ?? 0) > Date.now()) return true;

    const origin = this.upstreams.pool('users').pick();
    const response = origin
      ? await fetch(`${origin}/v1/users/me`, {
          // the users service trusts the gateway's X-Forwarded-For: its limits count the operator's address, not the gateway's
          headers: { authorization, 'x-forwarded-for': request.ip },
          signal: AbortSignal.timeout(5000),
        }).catch(() => undefined)
      : undefined;
    await response?.body?.cancel();
    if (response?.status === 401) throw this.verifier.revoked();
    if (!response?.ok) throw unavailable('AUTH.USERS_UNAVAILABLE', 'the users service cannot confirm the access token now; try again');
    if (this.confirmedUntil.size >= MAX_REMEMBERED) this.confirmedUntil.clear();
    this.confirmedUntil.set(key, Date.now() + CONFIRMED_FOR_MS);
    return true;
  }
}

/**
 * The console's routes (`/v1/ops/…`) are the gateway's own, so it checks their tokens itself, with
 * the services' guard and verifier (libs/auth): a bearer token of the configured issuer and the
 * operator role (`@Roles(OPERATOR)`); then StillRegistered, in place of the projection of revoked
 * users that the guard would read in a service's database.
 */
export function opsAccessProviders(config: ServiceConfig): Provider[] {
  return [
    { provide: TokenVerifier, useValue: new TokenVerifier(config.auth) },
    { provide: RevokedUsersRepository, useValue: { isRevoked: () => Promise.resolve(false) } },
    AuthGuard,
    StillRegistered,
  ];
}
