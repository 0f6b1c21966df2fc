import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@app/platform';
import { AuditLogRepository } from '../audit/audit-log.repository';
import { AuditTrail } from '../audit/audit-trail';
import { UsersConfig } from '../config';
import { ManageRolesService } from '../manage-roles/manage-roles.service';
import { USERS_MIGRATIONS } from '../migrations';
import { UsersRepository } from '../users.repository';

/** What the command line needs: the users database and the same repositories as the service, no HTTP, no Kafka. */
@Module({})
export class UsersCliModule {
  static forRoot(config: UsersConfig): DynamicModule {
    return {
      module: UsersCliModule,
      imports: [PlatformModule.forRoot({ config, migrations: USERS_MIGRATIONS })],
      providers: [UsersRepository, AuditLogRepository, AuditTrail, ManageRolesService],
    };
  }
}
