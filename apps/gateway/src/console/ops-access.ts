import { Provider } from '@nestjs/common';
import { AuthGuard, RevokedUsersRepository, TokenVerifier } from '@app/auth';
import { ServiceConfig } from '@app/platform';

/**
 * The console's routes (`/v1/ops/…`) are the gateway's own, so it checks their tokens itself, with
 * the services' guard and verifier (libs/auth): a bearer token of the configured issuer, and the
 * operator role (`@Roles(OPERATOR)`). The gateway has no database and so no projection of revoked
 * users: a de-registered operator's token is accepted here until it expires (15 minutes by
 * default), while every service behind the gateway refuses it at once.
 */
export function opsAccessProviders(config: ServiceConfig): Provider[] {
  return [
    { provide: TokenVerifier, useValue: new TokenVerifier(config.auth) },
    { provide: RevokedUsersRepository, useValue: { isRevoked: () => Promise.resolve(false) } },
    AuthGuard,
  ];
}
