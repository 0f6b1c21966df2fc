import { DynamicModule, Module } from '@nestjs/common';
import { MessagingModule } from '@app/messaging';
import { AuthModule } from '@app/auth';
import { PlatformModule } from '@app/platform';
import { AuditLogRepository } from './audit/audit-log.repository';
import { AuditTrail } from './audit/audit-trail';
import { Callers } from './callers';
import { OPERATOR_PHONES, PASSWORD_PARAMS, THROTTLE_SETTINGS, TOKEN_SETTINGS, UsersConfig } from './config';
import { DeregisterUserService } from './deregister-user/deregister-user.service';
import { GetMeService } from './get-me/get-me.service';
import { MeController } from './get-me/me.controller';
import { IssueTokenController } from './issue-token/issue-token.controller';
import { IssueTokenService } from './issue-token/issue-token.service';
import { LinkVpaController } from './link-vpa/link-vpa.controller';
import { LinkVpaService } from './link-vpa/link-vpa.service';
import { ListAuditController } from './list-audit/list-audit.controller';
import { ListAuditService } from './list-audit/list-audit.service';
import { LookupVpaController } from './lookup-vpa/lookup-vpa.controller';
import { LookupVpaService } from './lookup-vpa/lookup-vpa.service';
import { USERS_MIGRATIONS } from './migrations';
import { Passwords } from './passwords/passwords';
import { OperatorActionsController } from './record-operator-actions/operator-actions.controller';
import { RecordOperatorActionsService } from './record-operator-actions/record-operator-actions.service';
import { RegisterUserController } from './register-user/register-user.controller';
import { RegisterUserService } from './register-user/register-user.service';
import { JwksController } from './tokens/jwks.controller';
import { loadSigningKey, SIGNING_KEY } from './tokens/signing-key';
import { TokenSigner } from './tokens/token-signer';
import { UnlinkVpaController } from './unlink-vpa/unlink-vpa.controller';
import { UnlinkVpaService } from './unlink-vpa/unlink-vpa.service';
import { UsersRepository } from './users.repository';
import { VpasRepository } from './vpas.repository';

@Module({})
export class UsersModule {
  static forRoot(config: UsersConfig): DynamicModule {
    return {
      module: UsersModule,
      imports: [
        PlatformModule.forRoot({ config, migrations: USERS_MIGRATIONS }),
        MessagingModule.forRoot({ config }),
        // Verifies tokens like every service, against this service's own JWKS by default (AUTH_JWKS_URL);
        // operators' requests here are audited by the use cases themselves, not as OperatorActed.
        AuthModule.forRoot(config, { auditOperators: false }),
      ],
      controllers: [
        RegisterUserController,
        IssueTokenController,
        JwksController,
        MeController,
        LinkVpaController,
        UnlinkVpaController,
        LookupVpaController,
        ListAuditController,
        // event handlers are controllers too: Nest hands their @EventPattern methods to the messaging runtime
        OperatorActionsController,
      ],
      providers: [
        { provide: TOKEN_SETTINGS, useValue: config.tokens },
        { provide: THROTTLE_SETTINGS, useValue: config.throttles },
        { provide: OPERATOR_PHONES, useValue: config.operatorPhones },
        { provide: PASSWORD_PARAMS, useValue: config.passwords },
        { provide: SIGNING_KEY, useFactory: () => loadSigningKey(config.tokens) },
        UsersRepository,
        VpasRepository,
        AuditLogRepository,
        AuditTrail,
        Callers,
        Passwords,
        TokenSigner,
        RegisterUserService,
        IssueTokenService,
        GetMeService,
        DeregisterUserService,
        LinkVpaService,
        UnlinkVpaService,
        LookupVpaService,
        ListAuditService,
        RecordOperatorActionsService,
      ],
    };
  }
}
