import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ListNotificationsQueryDto } from './list-notifications.dto';
import { ListNotificationsService } from './list-notifications.service';

@ApiTags('notifications')
@Controller('v1/notifications')
export class ListNotificationsController {
  constructor(private readonly notifications: ListNotificationsService) {}

  /** Notifications, newest first, optionally for one recipient VPA. */
  @Get()
  list(@Query() query: ListNotificationsQueryDto) {
    return this.notifications.list(query);
  }
}
