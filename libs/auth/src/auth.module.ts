import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ServiceConfig } from '@app/platform';
import { AuthGuard } from './auth.guard';
import { OperatorAuditInterceptor } from './operator-audit.interceptor';
import { RevocationsController, RevokedUsersRepository } from './revocations';
import { TokenVerifier } from './token-verifier';

/**
 * Authentication for a service, written once: the global guard, the token verifier and the
 * projection of revoked users (fed by the users service's events; add `AUTH_MIGRATIONS` to the
 * service's migrations), and the audit of every operator request (`OperatorAuditInterceptor`).
 * Needs the messaging runtime (`MessagingModule`) for both.
 */
@Module({})
export class AuthModule {
  /** `auditOperators: false` for the users service, which writes its audit log itself. */
  static forRoot(config: ServiceConfig, { auditOperators = true }: { auditOperators?: boolean } = {}): DynamicModule {
    return {
      module: AuthModule,
      controllers: [RevocationsController],
      providers: [
        { provide: TokenVerifier, useValue: new TokenVerifier(config.auth) },
        RevokedUsersRepository,
        { provide: APP_GUARD, useClass: AuthGuard },
        ...(auditOperators ? [{ provide: APP_INTERCEPTOR, useClass: OperatorAuditInterceptor }] : []),
      ],
      exports: [TokenVerifier],
    };
  }
}
