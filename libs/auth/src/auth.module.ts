import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ServiceConfig } from '@app/platform';
import { AuthGuard } from './auth.guard';
import { RevocationsController, RevokedUsersRepository } from './revocations';
import { TokenVerifier } from './token-verifier';

/**
 * Authentication for a service, written once: the global guard, the token verifier and the
 * projection of revoked users (fed by the users service's events; add `AUTH_MIGRATIONS` to the
 * service's migrations). Needs the messaging runtime (`MessagingModule`) for that projection.
 */
@Module({})
export class AuthModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AuthModule,
      controllers: [RevocationsController],
      providers: [
        { provide: TokenVerifier, useValue: new TokenVerifier(config.auth) },
        RevokedUsersRepository,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenVerifier],
    };
  }
}
