import { DynamicModule, Module } from '@nestjs/common';
import { AUTH_MIGRATIONS, AuthModule } from '@app/auth';
import { MESSAGING_MIGRATIONS, MessagingModule } from '@app/messaging';
import { PlatformModule, ServiceConfig } from '@app/platform';
import { ListNotificationsController } from './list-notifications/list-notifications.controller';
import { ListNotificationsService } from './list-notifications/list-notifications.service';
import { Notifications1763700000100 } from './migrations/1763700000100-notifications';
import { RecipientUser1764700000100 } from './migrations/1764700000100-recipient-user';
import { NotificationSubjects1766000000200 } from './migrations/1766000000200-notification-subjects';
import { NotificationsRepository } from './notifications.repository';
import { NotifyingEventsController } from './send-notifications/notifying-events.controller';
import { SendNotificationsService } from './send-notifications/send-notifications.service';

@Module({})
export class NotificationsModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        PlatformModule.forRoot({
          config,
          migrations: [
            ...MESSAGING_MIGRATIONS,
            Notifications1763700000100,
            ...AUTH_MIGRATIONS,
            RecipientUser1764700000100,
            NotificationSubjects1766000000200,
          ],
        }),
        MessagingModule.forRoot({ config }),
        AuthModule.forRoot(config),
      ],
      controllers: [ListNotificationsController, NotifyingEventsController],
      providers: [SendNotificationsService, ListNotificationsService, NotificationsRepository],
    };
  }
}
